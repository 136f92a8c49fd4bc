using System.Diagnostics;
using Xunit;

namespace StaticSeq2Seq.Tests.Interop;

/// <summary>A theory that runs only where <c>/usr/bin/python3</c> imports torch (see <see cref="PyTorch"/>).</summary>
public sealed class PyTorchTheoryAttribute : TheoryAttribute
{
    public PyTorchTheoryAttribute()
    {
        if (!PyTorch.IsAvailable)
        {
            Skip = PyTorch.Absent;
        }
    }
}

/// <summary>A fact that runs only where <c>/usr/bin/python3</c> imports torch (see <see cref="PyTorch"/>).</summary>
public sealed class PyTorchFactAttribute : FactAttribute
{
    public PyTorchFactAttribute()
    {
        if (!PyTorch.IsAvailable)
        {
            Skip = PyTorch.Absent;
        }
    }
}

/// <summary>
/// Runs <c>/usr/bin/python3</c>, Debian's Python with its <c>python3-torch</c> (CI installs both), on one OpenBLAS
/// thread: the machine's cores are the test run's, and one thread keeps PyTorch's sums in one order from run to run.
/// </summary>
internal static class PyTorch
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<bool> Found = new(() => File.Exists(Python) && Execute(["-c", "import torch"], TimeSpan.FromMinutes(1)).ExitCode == 0);

    public static bool IsAvailable => Found.Value;

    public static string Absent =>
        $"PyTorch was not found: {Python} does not run 'import torch'. Install it (Debian: apt-get install python3-torch libopenblas0-pthread) to run this check.";

    /// <summary>Runs a script with arguments and returns its standard output; fails the test with its standard error if it fails.</summary>
    public static string Run(params string[] arguments)
    {
        var timeout = TimeSpan.FromMinutes(5);
        var (exitCode, standardOutput, standardError) = Execute(arguments, timeout);
        Assert.True(exitCode == 0, $"{Python} {string.Join(' ', arguments.Take(1))} failed with exit code {exitCode}:\n{standardError}");
        return standardOutput;
    }

    private static (int ExitCode, string Output, string Error) Execute(string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["OPENBLAS_NUM_THREADS"] = "1";
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "", $"timed out after {timeout}");
        }
        process.WaitForExit();
        return (process.ExitCode, standardOutput.Result, standardError.Result);
    }
}
