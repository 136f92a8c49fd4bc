using System;

namespace StaticSeq2Seq.Text;

/// <summary>A line of a parallel corpus file is not a tab-separated sentence pair.</summary>
public sealed class CorpusFormatException : FormatException
{
    /// <summary>Creates the exception for line <paramref name="lineNumber"/> of <paramref name="sourceName"/>.</summary>
    /// <param name="sourceName">The file's path, or a description such as "the reader" when there is no file.</param>
    /// <param name="lineNumber">The bad line, counted from 1.</param>
    /// <param name="problem">What is wrong with the line and what to do, as a sentence.</param>
    public CorpusFormatException(string sourceName, int lineNumber, string problem)
        : this(sourceName, lineNumber, problem, null)
    {
    }

    /// <summary>Creates the exception for line <paramref name="lineNumber"/> of <paramref name="sourceName"/>, caused by <paramref name="innerException"/>.</summary>
    /// <param name="sourceName">The file's path, or a description such as "the reader" when there is no file.</param>
    /// <param name="lineNumber">The bad line, counted from 1.</param>
    /// <param name="problem">What is wrong with the line and what to do, as a sentence.</param>
    /// <param name="innerException">The error that revealed the problem, if any.</param>
    public CorpusFormatException(string sourceName, int lineNumber, string problem, Exception? innerException)
        : base($"{sourceName}, line {lineNumber}: {problem}", innerException)
    {
        SourceName = sourceName;
        LineNumber = lineNumber;
    }

    /// <summary>The file's path, or a description such as "the reader" when there is no file.</summary>
    public string SourceName { get; }

    /// <summary>The bad line, counted from 1.</summary>
    public int LineNumber { get; }
}
