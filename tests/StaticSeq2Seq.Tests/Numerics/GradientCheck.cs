using System.Globalization;
using System.Text;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>
/// Collects analytic-versus-numeric gradient comparisons tensor by tensor and reports them the way llm.c's
/// <c>check_tensor</c> does: the first few mismatches with their positions, and the largest difference per tensor.
/// An entry passes when <c>|analytic - numeric| &lt;= absolute + relative * |numeric|</c>.
/// </summary>
internal sealed class GradientCheck(string what, double absolute, double relative)
{
    private const int MismatchesShown = 8;

    private readonly List<string> mismatches = [];
    private readonly List<TensorSummary> tensors = [];
    private int mismatchCount;

    public int EntriesChecked { get; private set; }

    public bool Passed => mismatchCount == 0;

    /// <summary>Largest |analytic - numeric| over every entry checked.</summary>
    public double MaxDifference => tensors.Count == 0 ? 0 : tensors.Max(t => t.MaxDifference);

    /// <summary>Largest |analytic - numeric| / (absolute + relative * |numeric|): the fraction of the tolerance used.</summary>
    public double WorstToleranceUse => tensors.Count == 0 ? 0 : tensors.Max(t => t.WorstToleranceUse);

    public void Tensor(string name, int[] shape, IReadOnlyList<int> indices, Func<int, double> analytic, Func<int, double> numeric)
    {
        var summary = new TensorSummary(name);
        foreach (var index in indices)
        {
            double a = analytic(index), n = numeric(index);
            var difference = Math.Abs(a - n);
            var allowed = absolute + relative * Math.Abs(n);
            summary.Checked++;
            summary.MaxDifference = Math.Max(summary.MaxDifference, double.IsNaN(difference) ? double.PositiveInfinity : difference);
            summary.WorstToleranceUse = Math.Max(summary.WorstToleranceUse, double.IsNaN(difference) ? double.PositiveInfinity : difference / allowed);
            if (!(difference <= allowed))
            {
                mismatchCount++;
                summary.Mismatches++;
                if (mismatches.Count < MismatchesShown)
                {
                    mismatches.Add(string.Create(
                        CultureInfo.InvariantCulture,
                        $"  {name}{Position(shape, index)}: analytic {a:E6}, numeric {n:E6}, difference {difference:E2} > {allowed:E2}"));
                }
            }
        }
        EntriesChecked += summary.Checked;
        tensors.Add(summary);
    }

    public string Report()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{what}: {EntriesChecked} entries in {tensors.Count} tensors, tolerance |a - n| <= {absolute:E0} + {relative:E0} |n|.");
        if (mismatchCount > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{mismatchCount} entries out of tolerance; the first {mismatches.Count}:");
            foreach (var line in mismatches)
            {
                text.AppendLine(line);
            }
        }
        foreach (var t in tensors)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {t.Name,-28} {t.Checked,5} checked, {t.Mismatches,4} bad, max |a - n| {t.MaxDifference:E2}, worst {t.WorstToleranceUse:P1} of tolerance");
        }
        return text.ToString();
    }

    private static string Position(int[] shape, int index) =>
        shape.Length == 2 ? $"[{index / shape[1]}, {index % shape[1]}]" : $"[{index}]";

    private sealed class TensorSummary(string name)
    {
        public string Name { get; } = name;
        public int Checked { get; set; }
        public int Mismatches { get; set; }
        public double MaxDifference { get; set; }
        public double WorstToleranceUse { get; set; }
    }
}
