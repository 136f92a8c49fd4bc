using System;
using System.Globalization;
using System.Text;

namespace StaticSeq2Seq.Text;

/// <summary>
/// The text normalisation of the PyTorch tutorial "NLP From Scratch: Translation with a Sequence to Sequence
/// Network and Attention", reproduced character for character so that a model trained here sees the same words
/// as one trained there.
/// </summary>
/// <remarks>
/// <para>The tutorial's Python, as it stands today:</para>
/// <code>
/// def unicodeToAscii(s):
///     return ''.join(c for c in unicodedata.normalize('NFD', s) if unicodedata.category(c) != 'Mn')
///
/// def normalizeString(s):
///     s = unicodeToAscii(s.lower().strip())
///     s = re.sub(r"([.!?])", r" \1", s)
///     s = re.sub(r"[^a-zA-Z!?]+", r" ", s)
///     return s.strip()
/// </code>
/// <para>
/// The current tutorial's second pattern keeps <c>!</c> and <c>?</c> but not <c>.</c>, so a full stop is
/// dropped (the first pattern has already put a space before it, and the second turns both into one space),
/// and it ends with <c>strip()</c>. Earlier versions of the tutorial used <c>[^a-zA-Z.!?]+</c> and no final
/// strip, which kept full stops as words. This class follows the current text: on the tutorial's
/// <c>eng-fra.txt</c> the two versions keep different numbers of pairs after <see cref="TutorialFilter"/>.
/// </para>
/// <para>
/// Only ASCII letters, <c>!</c> and <c>?</c> survive; every other character (digits, apostrophes, hyphens,
/// letters without an ASCII decomposition such as <c>œ</c> or <c>ß</c>) becomes a word break. The result is a
/// sequence of words separated by single spaces with none at either end.
/// </para>
/// <para>
/// Checked against CPython 3.11 on every Unicode scalar value: the outputs agree except for 72 characters whose
/// Unicode data changed after version 14.0 (CPython 3.11's), 71 of them unassigned there. Categories and
/// decompositions come from the running .NET's Unicode data.
/// </para>
/// </remarks>
public static class TutorialNormalizer
{
    /// <summary>
    /// Normalises <paramref name="text"/> as the tutorial's <c>normalizeString</c> does: lower-cases it, removes
    /// diacritics (<see cref="RemoveDiacritics"/>), puts <c>!</c> and <c>?</c> into words of their own, and
    /// turns every run of other characters, full stops included, into a single space, trimmed at both ends.
    /// </summary>
    /// <example><c>Normalize("Je suis désolé, Tom !")</c> is <c>"je suis desole tom !"</c>.</example>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // s.lower().strip(), then unicodeToAscii. Python's lower() uses full case mapping, .NET's
        // ToLowerInvariant simple case mapping without the Turkish dotted I: they differ for U+0130 only, which
        // Python lowers to "i" and a combining dot above (so "i" once the mark is dropped) and .NET leaves alone.
        var lower = text.ToLowerInvariant();
        if (lower.Contains('\u0130', StringComparison.Ordinal))
        {
            lower = lower.Replace("\u0130", "i\u0307", StringComparison.Ordinal);
        }
        var ascii = RemoveDiacritics(lower);

        // Both substitutions in one pass. A kept character (ASCII letter, '!' or '?') is copied; '!' and '?'
        // get a space in front of them (the first pattern); every run of anything else, '.' included, becomes
        // one space (the second pattern); spaces are written only between kept characters (the final strip).
        var result = new StringBuilder(ascii.Length + 8);
        var pendingSpace = false;
        foreach (var character in ascii)
        {
            var isMark = character is '!' or '?';
            if (!isMark && !char.IsAsciiLetter(character))
            {
                pendingSpace = true;
                continue;
            }
            if ((pendingSpace || isMark) && result.Length > 0)
            {
                result.Append(' ');
            }
            pendingSpace = false;
            result.Append(character);
        }
        return result.ToString();
    }

    /// <summary>
    /// The tutorial's <c>unicodeToAscii</c>: decomposes <paramref name="text"/> (Unicode NFD) and drops every
    /// non-spacing mark (general category Mn), so <c>"é"</c> becomes <c>"e"</c>. Despite the tutorial's name the
    /// result is not always ASCII: characters without a decomposition, such as <c>œ</c>, are kept as they are,
    /// and so are unpaired surrogates and U+FFFE, which Python keeps but .NET cannot normalise.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string RemoveDiacritics(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decomposed = Decompose(text);

        var result = new StringBuilder(decomposed.Length);
        for (var i = 0; i < decomposed.Length; i++)
        {
            var character = decomposed[i];
            if (char.IsHighSurrogate(character) && i + 1 < decomposed.Length && char.IsLowSurrogate(decomposed[i + 1]))
            {
                var low = decomposed[++i];
                if (Rune.GetUnicodeCategory(new Rune(character, low)) != UnicodeCategory.NonSpacingMark)
                {
                    result.Append(character).Append(low);
                }
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(character) != UnicodeCategory.NonSpacingMark)
            {
                result.Append(character);
            }
        }
        return result.ToString();
    }

    /// <summary>
    /// Splits text into words at whitespace, dropping empty words. For normalised text this is the tutorial's
    /// <c>sentence.split(' ')</c>, except that an empty sentence gives no words rather than one empty word.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    }

    // NFD as Python's unicodedata.normalize('NFD', s) gives it. .NET refuses strings holding an unpaired
    // surrogate or U+FFFE, which Python passes through unchanged; both have combining class 0, so normalising
    // the runs between them and keeping them as they are gives the same result.
    private static string Decompose(string text)
    {
        var firstBad = FindUnnormalizable(text, 0);
        if (firstBad < 0)
        {
            return text.Normalize(NormalizationForm.FormD);
        }

        var result = new StringBuilder(text.Length + 8);
        var start = 0;
        for (var bad = firstBad; bad >= 0; bad = FindUnnormalizable(text, start))
        {
            result.Append(text[start..bad].Normalize(NormalizationForm.FormD)).Append(text[bad]);
            start = bad + 1;
        }
        return result.Append(text[start..].Normalize(NormalizationForm.FormD)).ToString();
    }

    private static int FindUnnormalizable(string text, int start)
    {
        for (var i = start; i < text.Length; i++)
        {
            var character = text[i];
            if (char.IsHighSurrogate(character) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(character) || character == '\uFFFE')
            {
                return i;
            }
        }
        return -1;
    }
}
