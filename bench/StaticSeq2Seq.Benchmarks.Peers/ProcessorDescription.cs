using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticSeq2Seq.Benchmarks.Peers;

/// <summary>
/// The processor a table was measured on, in one line: its name, family and model as Linux reports them, and which of
/// the instruction sets the generated kernels choose between it has. Tables from different machines differ most in
/// these (a core that runs 512-bit vectors in two halves, one without AVX-VNNI for the int8 products).
/// </summary>
public static class ProcessorDescription
{
    /// <summary>For example "AMD EPYC (family 25, model 17); Vector512 accelerated, AVX-512 BW, no AVX-VNNI".</summary>
    public static string Describe()
    {
        var fields = CpuInfoFields();
        var name = fields.GetValueOrDefault("model name", "unknown processor");
        var model = fields.TryGetValue("cpu family", out var family) && fields.TryGetValue("model", out var number)
            ? $" (family {family}, model {number})"
            : "";
        return $"{name}{model}; Vector512 {(Vector512.IsHardwareAccelerated ? "accelerated" : "not accelerated")}, "
               + $"{(Avx512BW.IsSupported ? "" : "no ")}AVX-512 BW, {(AvxVnni.IsSupported ? "" : "no ")}AVX-VNNI";
    }

    /// <summary>The first processor's "key : value" lines of /proc/cpuinfo; none where there is no such file.</summary>
    private static Dictionary<string, string> CpuInfoFields()
    {
        var fields = new Dictionary<string, string>();
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path))
        {
            return fields;
        }
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                break;
            }
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        }
        return fields;
    }
}
