using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace StaticSeq2Seq.Text;

/// <summary>
/// The pair filter of the PyTorch translation tutorial: short sentences whose English side starts like
/// "I am", "he is", "they are" and so on, written as <see cref="TutorialNormalizer"/> leaves them
/// (so "i m", "he s", "they re" for the contracted forms).
/// </summary>
/// <remarks>
/// The tutorial's Python:
/// <code>
/// MAX_LENGTH = 10
/// eng_prefixes = ("i am ", "i m ", "he is", "he s ", "she is", "she s ",
///                 "you are", "you re ", "we are", "we re ", "they are", "they re ")
/// def filterPair(p):
///     return len(p[0].split(' ')) &lt; MAX_LENGTH and len(p[1].split(' ')) &lt; MAX_LENGTH and p[1].startswith(eng_prefixes)
/// </code>
/// The prefixes are the tutorial's exactly, including the ones without a trailing space ("he is" also lets
/// "he isn t" through, which normalises to "he isn t").
/// </remarks>
public static class TutorialFilter
{
    /// <summary>
    /// The tutorial's <c>MAX_LENGTH</c>: a kept sentence has fewer words than this, so at most 9 (its final
    /// <c>!</c> or <c>?</c> counts as a word). A model needs one more step for EOS.
    /// </summary>
    public const int MaxLength = 10;

    private static readonly string[] Prefixes =
    [
        "i am ", "i m ",
        "he is", "he s ",
        "she is", "she s ",
        "you are", "you re ",
        "we are", "we re ",
        "they are", "they re ",
    ];

    /// <summary>The tutorial's <c>eng_prefixes</c>, in its order: a kept pair's English side starts with one of these.</summary>
    public static IReadOnlyList<string> EnglishPrefixes { get; } = new ReadOnlyCollection<string>(Prefixes);

    /// <summary>
    /// Whether the tutorial keeps a pair of normalised sentences: both have fewer than <see cref="MaxLength"/>
    /// words and <paramref name="english"/> starts with one of <see cref="EnglishPrefixes"/> (ordinal comparison).
    /// Words are counted as the tutorial counts them, <c>len(s.split(' '))</c>: one more than the number of
    /// spaces.
    /// </summary>
    /// <param name="english">The English sentence, already normalised by <see cref="TutorialNormalizer.Normalize"/>.</param>
    /// <param name="other">Its translation, already normalised.</param>
    /// <exception cref="ArgumentNullException">A sentence is null.</exception>
    public static bool Keep(string english, string other)
    {
        ArgumentNullException.ThrowIfNull(english);
        ArgumentNullException.ThrowIfNull(other);
        return TutorialWordCount(english) < MaxLength
            && TutorialWordCount(other) < MaxLength
            && StartsWithPrefix(english);
    }

    /// <summary>
    /// The tutorial's whole preparation of raw pairs: normalises both sides of every pair with
    /// <see cref="TutorialNormalizer.Normalize"/> and keeps those <see cref="Keep"/> accepts, in their
    /// original order, duplicates included (as the tutorial does).
    /// </summary>
    /// <param name="englishFirst">Raw pairs, English as <see cref="SentencePair.Source"/>, its translation as <see cref="SentencePair.Target"/>.</param>
    /// <returns>The kept pairs, normalised, English still first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="englishFirst"/> or one of its pairs is null.</exception>
    public static IReadOnlyList<SentencePair> NormalizeAndFilter(IEnumerable<SentencePair> englishFirst)
    {
        ArgumentNullException.ThrowIfNull(englishFirst);
        var kept = new List<SentencePair>();
        var index = 0;
        foreach (var pair in englishFirst)
        {
            if (pair is null)
            {
                throw new ArgumentNullException(nameof(englishFirst), $"Pair {index} is null; remove it.");
            }
            var english = TutorialNormalizer.Normalize(pair.Source);
            var other = TutorialNormalizer.Normalize(pair.Target);
            if (Keep(english, other))
            {
                kept.Add(new SentencePair(english, other));
            }
            index++;
        }
        return kept;
    }

    private static int TutorialWordCount(string sentence) => sentence.AsSpan().Count(' ') + 1;

    private static bool StartsWithPrefix(string english)
    {
        foreach (var prefix in Prefixes)
        {
            if (english.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
