using System.Diagnostics;
using System.Text.Json;

namespace StaticSeq2Seq.Benchmarks.Peers;

/// <summary>Seconds per operation, the median and 95th percentile over measured iterations.</summary>
public sealed record Timing(double Median, double P95);

/// <summary>The PyTorch peer's figures for one configuration, with the OpenBLAS kernel set it ran on.</summary>
public sealed record TorchResult(string Version, string OpenBlasCore, Timing Greedy, Timing Beam, Timing TrainStep);

/// <summary>Runs bench/pytorch/peer.py with Debian's Python on one thread, which also exports the ONNX graphs.</summary>
public static class TorchPeer
{
    /// <summary>The interpreter with Debian's python3-torch.</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>Measures configuration <paramref name="config"/> and writes its ONNX graphs under <paramref name="onnxDirectory"/>/config.</summary>
    public static TorchResult Run(string repositoryRoot, string config, int iterations, double iterationSeconds, string onnxDirectory)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = repositoryRoot,
        };
        foreach (var argument in new[]
                 {
                     Path.Combine(repositoryRoot, "bench", "pytorch", "peer.py"), "--config", config,
                     "--iterations", iterations.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--iteration-seconds", iterationSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--threads", "1", "--onnx-dir", Path.Combine(onnxDirectory, config),
                 })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["OPENBLAS_NUM_THREADS"] = "1";
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"The PyTorch peer failed for {config} (exit {process.ExitCode}); it needs Debian's python3-torch under {Python}.\n{errors.Result}");
        }
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var root = json.RootElement;
        return new TorchResult(
            root.GetProperty("torch").GetString() ?? "", root.GetProperty("openblas_core").GetString() ?? "",
            Read(root, "greedy"), Read(root, "beam4"), Read(root, "train_step32"));
    }

    private static Timing Read(JsonElement root, string name)
    {
        var element = root.GetProperty(name);
        return new Timing(element.GetProperty("median_s").GetDouble(), element.GetProperty("p95_s").GetDouble());
    }
}
