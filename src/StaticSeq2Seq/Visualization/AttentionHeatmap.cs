using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Xml;

namespace StaticSeq2Seq.Visualization;

/// <summary>
/// Draws an attention matrix as a standalone SVG image: one shaded cell per (output step, source token), the
/// source tokens along the top, the output tokens down the left, each weight printed in its cell, a colour
/// scale and a title. Open the file in any browser; hovering over a cell names its two tokens (in full) and its
/// weight.
/// </summary>
/// <remarks>
/// Row <c>t</c> holds the attention weights the decoder put on each source token while producing output token
/// <c>t</c>, so each row of a softmax attention sums to 1. Weights are shaded from white (0) to dark blue (1)
/// along matplotlib's "Blues" scale. Long tokens are shortened on the axes (the tooltip keeps them whole), and
/// characters XML cannot hold are shown as U+FFFD.
/// </remarks>
public static class AttentionHeatmap
{
    /// <summary>How far outside 0..1 a weight may stray from rounding before it is rejected; such weights are clamped.</summary>
    public const float Tolerance = 1e-3f;

    private const double Margin = 16;
    private const double Cell = 40;
    private const double LabelFontSize = 14;
    private const double ValueFontSize = 11;
    private const double TitleFontSize = 17;
    private const double NoteFontSize = 12;
    // A generous average advance for a sans-serif font, as a fraction of its size; the SVG has no font metrics.
    private const double CharacterWidth = 0.62;
    private const double LabelGap = 8;
    private const int MaxLabelCharacters = 24;
    private const double ScaleWidth = 14;
    private const double ScaleGap = 24;
    private const double MinScaleHeight = 120;
    private static readonly double Sin45 = Math.Sqrt(0.5);

    // matplotlib's "Blues", from 0 to 1 in equal steps.
    private static readonly (byte R, byte G, byte B)[] Blues =
    [
        (0xf7, 0xfb, 0xff), (0xde, 0xeb, 0xf7), (0xc6, 0xdb, 0xef), (0x9e, 0xca, 0xe1), (0x6b, 0xae, 0xd6),
        (0x42, 0x92, 0xc6), (0x21, 0x71, 0xb5), (0x08, 0x51, 0x9c), (0x08, 0x30, 0x6b),
    ];

    /// <summary>The SVG text of the heatmap of <paramref name="weights"/>, indexed [output step, source token].</summary>
    /// <param name="weights">The attention matrix: one row per output token, one column per source token, each weight from 0 to 1.</param>
    /// <param name="sourceTokens">The column labels: the source sentence's tokens (include EOS if the model attends to it).</param>
    /// <param name="targetTokens">The row labels: the output tokens, in decoding order.</param>
    /// <param name="title">The heading; "Attention" when null.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="title"/>, or a token, is null.</exception>
    /// <exception cref="ArgumentException">The matrix's shape does not match the token counts, or it is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A weight is NaN, infinite, or outside 0..1 by more than <see cref="Tolerance"/>.</exception>
    public static string ToSvg(float[,] weights, IReadOnlyList<string> sourceTokens, IReadOnlyList<string> targetTokens, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(sourceTokens);
        ArgumentNullException.ThrowIfNull(targetTokens);
        if (weights.GetLength(0) != targetTokens.Count || weights.GetLength(1) != sourceTokens.Count)
        {
            throw new ArgumentException(
                $"The matrix is {weights.GetLength(0)} x {weights.GetLength(1)} but there are {targetTokens.Count} output tokens (rows) and {sourceTokens.Count} source tokens (columns); index it [output step, source token].",
                nameof(weights));
        }
        var flat = new float[weights.Length];
        var index = 0;
        foreach (var weight in weights)
        {
            flat[index++] = weight;
        }
        return ToSvg(flat, sourceTokens, targetTokens, title);
    }

    /// <summary>The SVG text of the heatmap of <paramref name="weights"/>, stored row by row (one row per output step).</summary>
    /// <param name="weights">The attention matrix in row-major order: <c>targetTokens.Count</c> rows of <c>sourceTokens.Count</c> weights, each from 0 to 1.</param>
    /// <param name="sourceTokens">The column labels: the source sentence's tokens (include EOS if the model attends to it).</param>
    /// <param name="targetTokens">The row labels: the output tokens, in decoding order.</param>
    /// <param name="title">The heading; "Attention" when null.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="title"/>, or a token, is null.</exception>
    /// <exception cref="ArgumentException">The span's length is not rows times columns, or there are no tokens.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A weight is NaN, infinite, or outside 0..1 by more than <see cref="Tolerance"/>.</exception>
    public static string ToSvg(ReadOnlySpan<float> weights, IReadOnlyList<string> sourceTokens, IReadOnlyList<string> targetTokens, string? title = null)
    {
        var source = Labels(sourceTokens, nameof(sourceTokens), "Source");
        var target = Labels(targetTokens, nameof(targetTokens), "Output");
        if (weights.Length != source.Length * target.Length)
        {
            throw new ArgumentException(
                $"There are {weights.Length} weights but {target.Length} output tokens x {source.Length} source tokens = {target.Length * source.Length}; give one weight per pair, row by row.",
                nameof(weights));
        }
        var values = new float[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            var weight = weights[i];
            if (!float.IsFinite(weight) || weight < -Tolerance || weight > 1 + Tolerance)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(weights),
                    weight,
                    $"The weight for output token {i / source.Length} and source token {i % source.Length} is {weight.ToString(CultureInfo.InvariantCulture)}; attention weights must lie between 0 and 1.");
            }
            values[i] = Math.Clamp(weight, 0f, 1f);
        }
        return Render(values, source, target, Clean(title ?? "Attention"));
    }

    /// <summary>Writes the heatmap of <paramref name="weights"/> (indexed [output step, source token]) to the SVG file <paramref name="path"/>, replacing it.</summary>
    /// <param name="path">The file to write, usually ending in <c>.svg</c>. It is written under a temporary name in the same folder and then moved into place.</param>
    /// <param name="weights">The attention matrix: one row per output token, one column per source token.</param>
    /// <param name="sourceTokens">The column labels.</param>
    /// <param name="targetTokens">The row labels.</param>
    /// <param name="title">The heading; "Attention" when null.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="title"/>, or a token, is null.</exception>
    /// <exception cref="ArgumentException">The matrix does not match the tokens; see <see cref="ToSvg(float[,], IReadOnlyList{string}, IReadOnlyList{string}, string?)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A weight is NaN, infinite, or outside 0..1.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, float[,] weights, IReadOnlyList<string> sourceTokens, IReadOnlyList<string> targetTokens, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        WriteFile(path, ToSvg(weights, sourceTokens, targetTokens, title));
    }

    /// <summary>Writes the heatmap of the row-major <paramref name="weights"/> to the SVG file <paramref name="path"/>, replacing it.</summary>
    /// <param name="path">The file to write, usually ending in <c>.svg</c>. It is written under a temporary name in the same folder and then moved into place.</param>
    /// <param name="weights">The attention matrix in row-major order, one row per output token.</param>
    /// <param name="sourceTokens">The column labels.</param>
    /// <param name="targetTokens">The row labels.</param>
    /// <param name="title">The heading; "Attention" when null.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="title"/>, or a token, is null.</exception>
    /// <exception cref="ArgumentException">The weights do not match the tokens; see <see cref="ToSvg(ReadOnlySpan{float}, IReadOnlyList{string}, IReadOnlyList{string}, string?)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A weight is NaN, infinite, or outside 0..1.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, ReadOnlySpan<float> weights, IReadOnlyList<string> sourceTokens, IReadOnlyList<string> targetTokens, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        WriteFile(path, ToSvg(weights, sourceTokens, targetTokens, title));
    }

    private static string Render(float[] values, string[] source, string[] target, string title)
    {
        var columns = source.Length;
        var rows = target.Length;
        var labelChar = LabelFontSize * CharacterWidth;

        // Vertical layout: title, note, the source labels slanted at 45 degrees, then the grid.
        var titleBaseline = Margin + TitleFontSize;
        var noteBaseline = titleBaseline + 8 + NoteFontSize;
        var longestSource = MaxLength(source);
        var sourceLabelRise = (longestSource * labelChar * Sin45) + (LabelFontSize * Sin45);
        var gridTop = noteBaseline + 12 + sourceLabelRise + LabelGap;

        // Horizontal layout: the output labels, the grid, the colour scale.
        var longestTarget = MaxLength(target);
        var gridLeft = Margin + (longestTarget * labelChar) + LabelGap;
        var gridWidth = columns * Cell;
        var gridHeight = rows * Cell;
        var gridRight = gridLeft + gridWidth;

        // The slanted source labels run up and to the right, possibly past the grid.
        var labelsRight = gridRight;
        for (var c = 0; c < columns; c++)
        {
            var reach = gridLeft + ((c + 0.5) * Cell) + (DisplayLabel(source[c]).Length * labelChar * Sin45) + LabelFontSize;
            labelsRight = Math.Max(labelsRight, reach);
        }

        var scaleLeft = gridRight + ScaleGap;
        var scaleHeight = Math.Max(gridHeight, MinScaleHeight);
        var scaleRight = scaleLeft + ScaleWidth + 6 + (3 * labelChar);
        var note = "Rows: output tokens. Columns: source tokens. Shade: attention weight.";
        var textRight = Margin + Math.Max(title.Length * TitleFontSize * 0.58, note.Length * NoteFontSize * 0.55);
        var width = Math.Ceiling(Math.Max(Math.Max(scaleRight, labelsRight), textRight) + Margin);
        var height = Math.Ceiling(gridTop + scaleHeight + Margin);

        var settings = new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true, NewLineChars = "\n" };
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, settings))
        {
            const string Svg = "http://www.w3.org/2000/svg";
            xml.WriteStartElement("svg", Svg);
            xml.WriteAttributeString("version", "1.1");
            Attribute(xml, "width", width);
            Attribute(xml, "height", height);
            xml.WriteAttributeString("viewBox", string.Create(CultureInfo.InvariantCulture, $"0 0 {width} {height}"));
            xml.WriteAttributeString("font-family", "DejaVu Sans, Helvetica, Arial, sans-serif");
            xml.WriteAttributeString("role", "img");
            xml.WriteAttributeString("aria-label", title);

            xml.WriteElementString("title", Svg, title);

            xml.WriteStartElement("rect");
            xml.WriteAttributeString("width", "100%");
            xml.WriteAttributeString("height", "100%");
            xml.WriteAttributeString("fill", "#ffffff");
            xml.WriteEndElement();

            Text(xml, "title", Margin, titleBaseline, TitleFontSize, title, fill: "#111111", weight: "bold");
            Text(xml, "note", Margin, noteBaseline, NoteFontSize, note, fill: "#555555");

            // Source tokens: slanted labels above their columns, read from lower left to upper right.
            xml.WriteStartElement("g");
            xml.WriteAttributeString("class", "source-labels");
            xml.WriteAttributeString("font-size", Format(LabelFontSize));
            xml.WriteAttributeString("fill", "#111111");
            for (var c = 0; c < columns; c++)
            {
                var x = gridLeft + ((c + 0.5) * Cell) - 2;
                var y = gridTop - LabelGap;
                xml.WriteStartElement("text");
                Attribute(xml, "x", x);
                Attribute(xml, "y", y);
                xml.WriteAttributeString("transform", string.Create(CultureInfo.InvariantCulture, $"rotate(-45 {Format(x)} {Format(y)})"));
                xml.WriteString(DisplayLabel(source[c]));
                xml.WriteEndElement();
            }
            xml.WriteEndElement();

            // Output tokens: right-aligned labels left of their rows.
            xml.WriteStartElement("g");
            xml.WriteAttributeString("class", "target-labels");
            xml.WriteAttributeString("font-size", Format(LabelFontSize));
            xml.WriteAttributeString("fill", "#111111");
            xml.WriteAttributeString("text-anchor", "end");
            for (var r = 0; r < rows; r++)
            {
                xml.WriteStartElement("text");
                Attribute(xml, "x", gridLeft - LabelGap);
                Attribute(xml, "y", gridTop + ((r + 0.5) * Cell) + (0.35 * LabelFontSize));
                xml.WriteString(DisplayLabel(target[r]));
                xml.WriteEndElement();
            }
            xml.WriteEndElement();

            // The cells, with their weights printed in them.
            xml.WriteStartElement("g");
            xml.WriteAttributeString("class", "cells");
            xml.WriteAttributeString("stroke", "#ffffff");
            xml.WriteAttributeString("stroke-width", "1");
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    var value = values[(r * columns) + c];
                    xml.WriteStartElement("rect");
                    xml.WriteAttributeString("class", "cell");
                    Attribute(xml, "x", gridLeft + (c * Cell));
                    Attribute(xml, "y", gridTop + (r * Cell));
                    Attribute(xml, "width", Cell);
                    Attribute(xml, "height", Cell);
                    xml.WriteAttributeString("fill", Shade(value));
                    xml.WriteAttributeString("data-row", r.ToString(CultureInfo.InvariantCulture));
                    xml.WriteAttributeString("data-column", c.ToString(CultureInfo.InvariantCulture));
                    xml.WriteAttributeString("data-weight", value.ToString("R", CultureInfo.InvariantCulture));
                    xml.WriteElementString(
                        "title",
                        Svg,
                        string.Create(CultureInfo.InvariantCulture, $"{target[r]} \u2190 {source[c]}: {value:0.000}"));
                    xml.WriteEndElement();
                }
            }
            xml.WriteEndElement();

            xml.WriteStartElement("g");
            xml.WriteAttributeString("class", "values");
            xml.WriteAttributeString("font-size", Format(ValueFontSize));
            xml.WriteAttributeString("text-anchor", "middle");
            xml.WriteAttributeString("pointer-events", "none");
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    var value = values[(r * columns) + c];
                    if (value < 0.005f)
                    {
                        continue;
                    }
                    xml.WriteStartElement("text");
                    Attribute(xml, "x", gridLeft + ((c + 0.5) * Cell));
                    Attribute(xml, "y", gridTop + ((r + 0.5) * Cell) + (0.35 * ValueFontSize));
                    xml.WriteAttributeString("fill", value > 0.55f ? "#ffffff" : "#1a1a1a");
                    xml.WriteString(value.ToString("0.00", CultureInfo.InvariantCulture));
                    xml.WriteEndElement();
                }
            }
            xml.WriteEndElement();

            xml.WriteStartElement("rect");
            xml.WriteAttributeString("class", "frame");
            Attribute(xml, "x", gridLeft);
            Attribute(xml, "y", gridTop);
            Attribute(xml, "width", gridWidth);
            Attribute(xml, "height", gridHeight);
            xml.WriteAttributeString("fill", "none");
            xml.WriteAttributeString("stroke", "#888888");
            xml.WriteAttributeString("stroke-width", "1");
            xml.WriteEndElement();

            WriteScale(xml, scaleLeft, gridTop, scaleHeight);

            xml.WriteEndElement();
        }
        return text.ToString();
    }

    // A vertical colour bar from 1 (top) to 0 (bottom) with three ticks.
    private static void WriteScale(XmlWriter xml, double left, double top, double height)
    {
        xml.WriteStartElement("g");
        xml.WriteAttributeString("class", "scale");

        xml.WriteStartElement("defs");
        xml.WriteStartElement("linearGradient");
        xml.WriteAttributeString("id", "attention-scale");
        xml.WriteAttributeString("x1", "0");
        xml.WriteAttributeString("y1", "1");
        xml.WriteAttributeString("x2", "0");
        xml.WriteAttributeString("y2", "0");
        for (var i = 0; i < Blues.Length; i++)
        {
            var offset = (double)i / (Blues.Length - 1);
            xml.WriteStartElement("stop");
            xml.WriteAttributeString("offset", Format(offset));
            xml.WriteAttributeString("stop-color", Shade((float)offset));
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
        xml.WriteEndElement();

        xml.WriteStartElement("rect");
        Attribute(xml, "x", left);
        Attribute(xml, "y", top);
        Attribute(xml, "width", ScaleWidth);
        Attribute(xml, "height", height);
        xml.WriteAttributeString("fill", "url(#attention-scale)");
        xml.WriteAttributeString("stroke", "#888888");
        xml.WriteAttributeString("stroke-width", "1");
        xml.WriteEndElement();

        foreach (var (value, label) in new[] { (1.0, "1"), (0.5, "0.5"), (0.0, "0") })
        {
            var y = top + ((1 - value) * height);
            xml.WriteStartElement("line");
            Attribute(xml, "x1", left + ScaleWidth);
            Attribute(xml, "y1", y);
            Attribute(xml, "x2", left + ScaleWidth + 4);
            Attribute(xml, "y2", y);
            xml.WriteAttributeString("stroke", "#555555");
            xml.WriteEndElement();
            Text(xml, "tick", left + ScaleWidth + 6, y + (0.35 * ValueFontSize), ValueFontSize, label, fill: "#333333");
        }
        xml.WriteEndElement();
    }

    private static void Text(XmlWriter xml, string cssClass, double x, double y, double size, string content, string fill, string? weight = null)
    {
        xml.WriteStartElement("text");
        xml.WriteAttributeString("class", cssClass);
        Attribute(xml, "x", x);
        Attribute(xml, "y", y);
        xml.WriteAttributeString("font-size", Format(size));
        xml.WriteAttributeString("fill", fill);
        if (weight is not null)
        {
            xml.WriteAttributeString("font-weight", weight);
        }
        xml.WriteString(content);
        xml.WriteEndElement();
    }

    private static void Attribute(XmlWriter xml, string name, double value) => xml.WriteAttributeString(name, Format(value));

    private static string Format(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    // Linear interpolation along the "Blues" anchors.
    private static string Shade(float value)
    {
        var position = Math.Clamp(value, 0f, 1f) * (Blues.Length - 1);
        var low = Math.Min((int)position, Blues.Length - 2);
        var fraction = position - low;
        var (r0, g0, b0) = Blues[low];
        var (r1, g1, b1) = Blues[low + 1];
        static int Mix(byte a, byte b, float t) => (int)Math.Round(a + ((b - a) * t));
        return string.Create(CultureInfo.InvariantCulture, $"#{Mix(r0, r1, fraction):x2}{Mix(g0, g1, fraction):x2}{Mix(b0, b1, fraction):x2}");
    }

    private static string[] Labels(IReadOnlyList<string> tokens, string parameterName, string what)
    {
        ArgumentNullException.ThrowIfNull(tokens, parameterName);
        if (tokens.Count == 0)
        {
            throw new ArgumentException($"There are no {what.ToLowerInvariant()} tokens; a heatmap needs at least one row and one column.", parameterName);
        }
        var labels = new string[tokens.Count];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = Clean(tokens[i] ?? throw new ArgumentNullException(parameterName, $"{what} token {i} is null; give every token as text."));
        }
        return labels;
    }

    // XML 1.0 cannot hold most control characters or unpaired surrogates; show them as the replacement character.
    private static string Clean(string text)
    {
        StringBuilder? cleaned = null;
        for (var i = 0; i < text.Length; i++)
        {
            var character = text[i];
            var valid = XmlConvert.IsXmlChar(character)
                || (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], character));
            if (valid && char.IsHighSurrogate(character))
            {
                cleaned?.Append(character).Append(text[i + 1]);
                i++;
                continue;
            }
            if (!valid && cleaned is null)
            {
                cleaned = new StringBuilder(text.Length).Append(text, 0, i);
            }
            cleaned?.Append(valid ? character : '\uFFFD');
        }
        return cleaned?.ToString() ?? text;
    }

    // Long labels are cut to MaxLabelCharacters with an ellipsis, never between the halves of a surrogate pair.
    private static string DisplayLabel(string label)
    {
        if (label.Length <= MaxLabelCharacters)
        {
            return label;
        }
        var keep = MaxLabelCharacters - 1;
        if (char.IsHighSurrogate(label[keep - 1]))
        {
            keep--;
        }
        return string.Concat(label.AsSpan(0, keep), "\u2026");
    }

    private static int MaxLength(string[] labels)
    {
        var longest = 0;
        foreach (var label in labels)
        {
            longest = Math.Max(longest, DisplayLabel(label).Length);
        }
        return longest;
    }

    private static void WriteFile(string path, string svg)
    {
        var fullPath = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(fullPath) ?? ".", $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllText(temporary, svg, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
