using System.Diagnostics;
using System.Reflection;
using Xunit;

namespace StaticSeq2Seq.Tests.Checkpoints;

/// <summary>
/// One run of tests/StaticSeq2Seq.CheckpointWorker in its own process (<c>dotnet StaticSeq2Seq.CheckpointWorker.dll</c>),
/// with its standard output read line by line.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    public static readonly string WorkerPath = typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "CheckpointWorker").Value!;

    private readonly Process process;
    private readonly List<string> lines = [];
    private readonly SemaphoreSlim lineArrived = new(0);

    private WorkerProcess(params string[] arguments)
    {
        Assert.True(File.Exists(WorkerPath), $"The checkpoint worker is not built at {WorkerPath}.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(WorkerPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (lines) { lines.Add(e.Data); }
                lineArrived.Release();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (lines) { lines.Add("stderr: " + e.Data); }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static WorkerProcess Start(params string[] arguments) => new(arguments);

    /// <summary>Runs the worker to its end and returns its output; fails the test on a non-zero exit code.</summary>
    public static string Run(TimeSpan timeout, params string[] arguments)
    {
        using var worker = new WorkerProcess(arguments);
        Assert.True(worker.process.WaitForExit(timeout), $"The worker did not finish within {timeout}.");
        worker.process.WaitForExit(); // the end of the output streams
        Assert.True(worker.process.ExitCode == 0, $"The worker exited with {worker.process.ExitCode}:\n{worker.Output}");
        return worker.Output;
    }

    public string Output
    {
        get { lock (lines) { return string.Join("\n", lines); } }
    }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>Waits until the worker prints a line starting with <paramref name="prefix"/>; fails if it exits first.</summary>
    public void WaitForLine(string prefix, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var seen = 0;
        while (true)
        {
            var exited = process.HasExited;
            if (exited)
            {
                process.WaitForExit(); // the rest of its output
            }
            lock (lines)
            {
                for (; seen < lines.Count; seen++)
                {
                    if (lines[seen].StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return;
                    }
                }
            }
            Assert.True(!exited && clock.Elapsed < timeout, $"The worker printed no line starting with '{prefix}' within {timeout}:\n{Output}");
            lineArrived.Wait(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>SIGKILL on Unix (what <see cref="Process.Kill()"/> sends there): no handler, finally block or flush runs.</summary>
    public void Kill()
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
        process.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            Kill();
        }
        process.Dispose();
        lineArrived.Dispose();
    }
}
