using System.Diagnostics;
using System.Text;

namespace StaticSeq2Seq.PackageTests;

/// <summary>Runs the <c>dotnet</c> CLI as a child process, with a time limit, and keeps everything it printed.</summary>
internal static class DotNetCli
{
    /// <summary>The exit code and the interleaved standard output and error of one run.</summary>
    internal sealed record Result(int ExitCode, string Output, TimeSpan Elapsed)
    {
        /// <summary>The command, its exit code and its output, for assertion messages.</summary>
        public string Describe(string arguments) =>
            $"dotnet {arguments}\nexit code {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- output ---\n{Output}";
    }

    /// <summary>
    /// Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/> and kills it
    /// (with its children) after <paramref name="timeout"/>.
    /// </summary>
    public static Result Run(string arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // `dotnet test` hands MSBuild's own settings to the test host; a child build must start from a clean slate.
        foreach (var name in start.Environment.Keys.ToArray())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No build servers: one outliving its build would hold the output pipes open and hang the read below.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";

        var output = new StringBuilder();
        // A null line marks the end of a stream; the timed WaitForExit does not wait for it.
        using var outputClosed = new ManualResetEventSlim();
        using var errorClosed = new ManualResetEventSlim();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => AppendOrClose(output, e.Data, outputClosed);
        process.ErrorDataReceived += (_, e) => AppendOrClose(output, e.Data, errorClosed);

        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
            Append(output, $"*** killed after the {timeout.TotalSeconds:F0} s time limit ***");
            return new Result(-1, Snapshot(output), stopwatch.Elapsed);
        }
        // Drains the redirected streams; bounded in case a grandchild still holds them.
        outputClosed.Wait(TimeSpan.FromSeconds(10));
        errorClosed.Wait(TimeSpan.FromSeconds(10));
        return new Result(process.ExitCode, Snapshot(output), stopwatch.Elapsed);
    }

    private static void AppendOrClose(StringBuilder output, string? line, ManualResetEventSlim closed)
    {
        if (line is null)
        {
            closed.Set();
            return;
        }
        Append(output, line);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
