using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace StaticSeq2Seq.Tests.Checkpoints;

/// <summary>
/// What Checkpoint.Save asks of the kernel, watched with strace on the worker process: the temporary file's data is
/// fsynced before the rename (so the new name never points at unwritten blocks) and the folder is fsynced after it
/// (so the rename itself survives a power loss). Neither is visible from inside the process, and a power loss cannot
/// be simulated here, so the system calls themselves are the evidence.
/// </summary>
public sealed class DurableSaveTests : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public void Dispose() => folder.Dispose();

    [StraceFact]
    public void Save_fsyncs_the_file_before_the_rename_and_the_folder_after_it()
    {
        var path = folder.File("model.safetensors");
        var log = folder.File("strace.log");
        var start = new ProcessStartInfo("strace") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-f", "-o", log, "-e", "trace=openat,open,fsync,fdatasync,rename,renameat,renameat2", "dotnet", WorkerProcess.WorkerPath, "train", path, "3" })
        {
            start.ArgumentList.Add(argument);
        }
        using (var strace = Process.Start(start)!)
        {
            var output = strace.StandardOutput.ReadToEnd() + strace.StandardError.ReadToEnd();
            strace.WaitForExit();
            Assert.True(strace.ExitCode == 0, $"strace or the worker failed:\n{output}");
        }

        // Lines look like: 1234 openat(AT_FDCWD, "/tmp/x/.model.safetensors.ab12.tmp", O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0666) = 168
        var calls = File.ReadAllLines(log);
        var folderPath = Path.GetDirectoryName(path)!;
        var renameAt = Array.FindIndex(calls, line => Regex.IsMatch(line, @"rename(at2?)?\(.*\.model\.safetensors\.[0-9a-f]+\.tmp"".*""" + Regex.Escape(path) + @"""") && line.EndsWith("= 0", StringComparison.Ordinal));
        Assert.True(renameAt >= 0, $"No rename of a temporary file onto {path}:\n{string.Join("\n", calls.Where(c => c.Contains("safetensors", StringComparison.Ordinal)))}");

        var temporaryOpen = Array.FindLastIndex(calls, renameAt, line => Regex.IsMatch(line, @"open(at)?\(.*\.model\.safetensors\.[0-9a-f]+\.tmp"".*O_CREAT"));
        Assert.True(temporaryOpen >= 0, "The temporary file's creation was not seen.");
        var fileDescriptor = Descriptor(calls[temporaryOpen]);
        Assert.True(
            calls[(temporaryOpen + 1)..renameAt].Any(line => IsSync(line, fileDescriptor)),
            $"The temporary file (fd {fileDescriptor}) was not fsynced between its creation and the rename.");

        var folderOpen = Array.FindIndex(calls, renameAt + 1, line => Regex.IsMatch(line, @"open(at)?\(.*""" + Regex.Escape(folderPath) + @""", O_RDONLY\)"));
        Assert.True(folderOpen > renameAt, $"The folder {folderPath} was not opened after the rename.");
        var folderDescriptor = Descriptor(calls[folderOpen]);
        Assert.True(calls[(folderOpen + 1)..].Any(line => IsSync(line, folderDescriptor)), "The folder was not fsynced after the rename.");
    }

    private static int Descriptor(string openCall) => int.Parse(Regex.Match(openCall, @"= (\d+)$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsSync(string line, int descriptor) => Regex.IsMatch(line, $@"f(data)?sync\({descriptor}\)\s+= 0$");
}

/// <summary>A fact that runs only where strace can trace a process (it is installed and ptrace is allowed).</summary>
public sealed class StraceFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Problem = new(FindProblem);

    public StraceFactAttribute()
    {
        if (Problem.Value is { } problem)
        {
            Skip = problem;
        }
    }

    private static string? FindProblem()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "strace runs on Linux only; the folder fsync is checked there.";
        }
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("strace", "-o /dev/null true") { RedirectStandardError = true })!;
            var error = probe.StandardError.ReadToEnd();
            probe.WaitForExit();
            return probe.ExitCode == 0 ? null : $"strace cannot trace here ({error.Trim()}); allow ptrace to run this check.";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "strace is not installed; install it (apt-get install strace) to run this check.";
        }
    }
}
