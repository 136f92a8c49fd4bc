using System;

namespace StaticSeq2Seq.Numerics;

/// <summary>
/// Symmetric int8 quantization of a weight matrix with one float scale per output row, as decoding with
/// <see cref="DecodeWeightFormat.Int8"/> uses it: a row's scale is its largest magnitude divided by 127, and each weight
/// becomes <c>round(w / scale)</c>, to nearest with ties to even, clamped to [-127, 127], so that <c>q * scale</c> is
/// within half a scale of <c>w</c>. An all-zero row gets scale 0 and zeros. A row holding a NaN or an infinity gets scale
/// NaN and zeros, so the output it computes is NaN, as the float product with such a row is NaN or infinite: a model
/// whose training diverged decodes to NaN logits rather than to plausible tokens from a silently clipped matrix.
/// </summary>
public static class Int8Quantization
{
    /// <summary>The largest magnitude a quantized weight takes; -128 is left unused so the range is symmetric.</summary>
    public const int MaxMagnitude = 127;

    /// <summary>
    /// The scale of a row whose largest magnitude is <paramref name="maxMagnitude"/>: <c>maxMagnitude / 127</c>; 0 for 0
    /// (it also underflows to 0 below about 1.8e-43, where the row then quantizes to zeros); NaN for NaN or infinity.
    /// </summary>
    public static float RowScale(float maxMagnitude) =>
        float.IsFinite(maxMagnitude) ? Math.Abs(maxMagnitude) / MaxMagnitude : float.NaN;

    /// <summary>
    /// <paramref name="value"/> in units of <paramref name="scale"/>, rounded to nearest, ties to even, and clamped to
    /// [-127, 127]; 0 when the scale is 0 or NaN (an all-zero or a non-finite row) or the value is NaN.
    /// </summary>
    public static sbyte Quantize(float value, float scale)
    {
        if (!(scale > 0f))
        {
            return 0;
        }
        float units = MathF.Round(value / scale, MidpointRounding.ToEven);
        if (float.IsNaN(units))
        {
            return 0;
        }
        return (sbyte)Math.Clamp(units, -MaxMagnitude, MaxMagnitude);
    }

    /// <summary>
    /// Quantizes the matrix W of shape (<paramref name="outputs"/>, <paramref name="inputs"/>), given as
    /// <paramref name="transposedWeight"/> in the (inputs, outputs) row-major layout the dense kernels store, into
    /// <paramref name="quantized"/> (same layout) and the row scales <paramref name="scales"/> (one per output).
    /// Allocation-free; two passes over the rows, the first for each output's largest magnitude.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputs"/> or <paramref name="outputs"/> is not positive.</exception>
    /// <exception cref="ArgumentException">A span is shorter than the matrix (or <paramref name="scales"/> than its rows) needs.</exception>
    public static void QuantizeRows(ReadOnlySpan<float> transposedWeight, int inputs, int outputs, Span<sbyte> quantized, Span<float> scales)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        int count = inputs * outputs;
        if (transposedWeight.Length < count || quantized.Length < count)
        {
            throw new ArgumentException(
                $"A ({outputs}, {inputs}) matrix has {count} weights but the weights span holds {transposedWeight.Length} and the quantized span {quantized.Length}; pass spans of at least {count}.",
                nameof(transposedWeight));
        }
        CheckRows(scales.Length, outputs, "scales", nameof(scales));
        RowScales(transposedWeight, inputs, outputs, scales);
        for (int j = 0; j < inputs; j++)
        {
            ReadOnlySpan<float> row = transposedWeight.Slice(j * outputs, outputs);
            Span<sbyte> target = quantized.Slice(j * outputs, outputs);
            for (int o = 0; o < outputs; o++)
            {
                target[o] = Quantize(row[o], scales[o]);
            }
        }
    }

    /// <summary>Throws unless a span of <paramref name="length"/> <paramref name="what"/> holds one per output row.</summary>
    internal static void CheckRows(int length, int outputs, string what, string parameter)
    {
        if (length < outputs)
        {
            throw new ArgumentException(
                $"A matrix of {outputs} output rows needs {outputs} {what} but the {what} span holds {length}; pass one at least {outputs} long.",
                parameter);
        }
    }

    /// <summary>
    /// Writes each output row's scale (<see cref="RowScale"/> of its largest magnitude) into <paramref name="scales"/>,
    /// from W given transposed as (inputs, outputs); one pass over the matrix.
    /// </summary>
    internal static void RowScales(ReadOnlySpan<float> transposedWeight, int inputs, int outputs, Span<float> scales)
    {
        scales = scales[..outputs];
        scales.Clear();
        for (int j = 0; j < inputs; j++)
        {
            ReadOnlySpan<float> row = transposedWeight.Slice(j * outputs, outputs);
            for (int o = 0; o < outputs; o++)
            {
                // Math.Max keeps a NaN and an infinity wins, so RowScale sees the row's non-finite value.
                scales[o] = Math.Max(scales[o], Math.Abs(row[o]));
            }
        }
        for (int o = 0; o < outputs; o++)
        {
            scales[o] = RowScale(scales[o]);
        }
    }
}
