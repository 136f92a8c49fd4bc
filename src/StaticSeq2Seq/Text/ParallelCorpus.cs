using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace StaticSeq2Seq.Text;

/// <summary>
/// Reads and writes parallel corpora as tab-separated text: one pair per line, the source sentence, a tab, the
/// target sentence (the layout of the Tatoeba/Anki pair files the PyTorch tutorial uses).
/// </summary>
public static class ParallelCorpus
{
    private const string ReaderName = "the reader";

    /// <summary>
    /// Reads the pairs of the UTF-8 file at <paramref name="path"/>. See <see cref="ReadTsv(TextReader, bool)"/>
    /// for the rules; errors name the file and the line.
    /// </summary>
    /// <param name="path">The corpus file.</param>
    /// <param name="ignoreExtraColumns">
    /// Keep the first two columns of lines that have more, such as the attribution column of the Anki files
    /// downloaded from manythings.org today; by default a third column is an error.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="CorpusFormatException">A line is not a pair of non-empty, tab-separated sentences, or the file is not valid UTF-8.</exception>
    /// <exception cref="IOException">The file cannot be read (for example <see cref="FileNotFoundException"/>).</exception>
    public static IReadOnlyList<SentencePair> ReadTsv(string path, bool ignoreExtraColumns = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        return Read(reader, path, ignoreExtraColumns);
    }

    /// <summary>
    /// Reads pairs from <paramref name="reader"/> to its end. Each line is a source sentence, one tab and a
    /// target sentence; both are returned exactly as written (no trimming or normalisation). Blank lines (empty
    /// or only whitespace) are skipped, line endings may be <c>\n</c> or <c>\r\n</c>, and a byte-order mark at the
    /// start is ignored.
    /// </summary>
    /// <param name="reader">The corpus text.</param>
    /// <param name="ignoreExtraColumns">Keep the first two columns of lines that have more; by default a third column is an error.</param>
    /// <returns>The pairs in file order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is null.</exception>
    /// <exception cref="CorpusFormatException">
    /// A line has no tab, has more than one (unless <paramref name="ignoreExtraColumns"/>), or has an empty or
    /// all-whitespace sentence; the message gives the line number, counted from 1.
    /// </exception>
    public static IReadOnlyList<SentencePair> ReadTsv(TextReader reader, bool ignoreExtraColumns = false)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Read(reader, ReaderName, ignoreExtraColumns);
    }

    /// <summary>
    /// Writes <paramref name="pairs"/> to <paramref name="path"/> as UTF-8 without a byte-order mark, one
    /// <c>source TAB target</c> line each, ending in <c>\n</c>. The file is written under a temporary name
    /// next to it and then moved into place, so a reader never sees half a file.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument or a pair is null.</exception>
    /// <exception cref="ArgumentException">A sentence is empty or holds a tab or line break, so it could not be read back.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WriteTsv(string path, IEnumerable<SentencePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(pairs);
        var fullPath = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(fullPath) ?? ".", $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                WriteTsv(writer, pairs);
            }
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

    /// <summary>Writes <paramref name="pairs"/> to <paramref name="writer"/>, one <c>source TAB target</c> line each, ending in <c>\n</c>.</summary>
    /// <exception cref="ArgumentNullException">An argument or a pair is null.</exception>
    /// <exception cref="ArgumentException">A sentence is empty or holds a tab or line break, so it could not be read back.</exception>
    public static void WriteTsv(TextWriter writer, IEnumerable<SentencePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(pairs);
        var index = 0;
        foreach (var pair in pairs)
        {
            if (pair is null)
            {
                throw new ArgumentNullException(nameof(pairs), $"Pair {index} is null; remove it.");
            }
            CheckWritable(pair.Source, index, "source");
            CheckWritable(pair.Target, index, "target");
            writer.Write(pair.Source);
            writer.Write('\t');
            writer.Write(pair.Target);
            writer.Write('\n');
            index++;
        }
    }

    private static List<SentencePair> Read(TextReader reader, string sourceName, bool ignoreExtraColumns)
    {
        var pairs = new List<SentencePair>();
        var lineNumber = 0;
        while (ReadLine(reader, sourceName, lineNumber) is { } line)
        {
            lineNumber++;
            if (lineNumber == 1 && line.StartsWith('\uFEFF'))
            {
                line = line[1..];
            }
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var tab = line.IndexOf('\t');
            if (tab < 0)
            {
                throw new CorpusFormatException(
                    sourceName,
                    lineNumber,
                    $"expected a source sentence, a tab and a target sentence, but the line has no tab: \"{Excerpt(line)}\". Separate the two sentences with a tab character, not spaces.");
            }
            var end = line.IndexOf('\t', tab + 1);
            if (end >= 0 && !ignoreExtraColumns)
            {
                var columns = line.AsSpan().Count('\t') + 1;
                throw new CorpusFormatException(
                    sourceName,
                    lineNumber,
                    $"expected two tab-separated columns (source, target) but found {columns}: \"{Excerpt(line)}\". Remove the extra columns (for example with `cut -f1,2`) or read with ignoreExtraColumns: true to keep the first two.");
            }

            var source = line[..tab];
            var target = end >= 0 ? line[(tab + 1)..end] : line[(tab + 1)..];
            if (string.IsNullOrWhiteSpace(source))
            {
                throw new CorpusFormatException(sourceName, lineNumber, $"the source sentence (before the tab) is empty: \"{Excerpt(line)}\". Remove the line or fill in the sentence.");
            }
            if (string.IsNullOrWhiteSpace(target))
            {
                throw new CorpusFormatException(sourceName, lineNumber, $"the target sentence (after the tab) is empty: \"{Excerpt(line)}\". Remove the line or fill in the sentence.");
            }
            pairs.Add(new SentencePair(source, target));
        }
        return pairs;
    }

    private static string? ReadLine(TextReader reader, string sourceName, int linesRead)
    {
        try
        {
            return reader.ReadLine();
        }
        catch (DecoderFallbackException exception)
        {
            // The reader decodes ahead in blocks, so the bad bytes are on this line or a later one.
            throw new CorpusFormatException(
                sourceName,
                linesRead + 1,
                $"the file is not valid UTF-8 (bad bytes on this line or soon after it: {exception.Message}). Convert it to UTF-8 first, for example with `iconv -t UTF-8`.",
                exception);
        }
    }

    private static string Excerpt(string line)
    {
        const int Limit = 80;
        var shown = line.Length <= Limit ? line : string.Concat(line.AsSpan(0, Limit), "...");
        return shown.Replace("\t", "\\t", StringComparison.Ordinal);
    }

    private static void CheckWritable(string sentence, int index, string side)
    {
        if (string.IsNullOrWhiteSpace(sentence))
        {
            throw new ArgumentException($"The {side} sentence of pair {index} is empty; a corpus line needs text on both sides of the tab.", "pairs");
        }
        if (sentence.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0)
        {
            throw new ArgumentException(
                $"The {side} sentence of pair {index}, \"{sentence}\", holds a tab or line break, which would split it when read back. Replace those characters with spaces first.",
                "pairs");
        }
    }
}
