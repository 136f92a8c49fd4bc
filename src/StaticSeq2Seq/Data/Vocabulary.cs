using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Text;

namespace StaticSeq2Seq.Data;

/// <summary>
/// A word-level vocabulary: a bijection between words and ids in which ids 0 to 3 are the
/// <see cref="SpecialTokens"/> PAD, SOS, EOS and UNK, written <c>&lt;pad&gt;</c>, <c>&lt;sos&gt;</c>,
/// <c>&lt;eos&gt;</c> and <c>&lt;unk&gt;</c>. Words compare ordinally (case-sensitively).
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The text of <see cref="SpecialTokens.Pad"/>.</summary>
    public const string PadToken = "<pad>";

    /// <summary>The text of <see cref="SpecialTokens.Sos"/>.</summary>
    public const string SosToken = "<sos>";

    /// <summary>The text of <see cref="SpecialTokens.Eos"/>.</summary>
    public const string EosToken = "<eos>";

    /// <summary>The text of <see cref="SpecialTokens.Unk"/>.</summary>
    public const string UnkToken = "<unk>";

    private static readonly string[] SpecialTokenTexts = [PadToken, SosToken, EosToken, UnkToken];

    private readonly string[] tokens;
    private readonly Dictionary<string, int> ids;

    private Vocabulary(string[] tokens, Dictionary<string, int> ids)
    {
        this.tokens = tokens;
        this.ids = ids;
        Tokens = new ReadOnlyCollection<string>(tokens);
    }

    /// <summary>Number of ids, the four special tokens included: the model's vocabulary size.</summary>
    public int Count => tokens.Length;

    /// <summary>Every token in id order, the special tokens first; what a checkpoint stores.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>The id of <paramref name="token"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is null.</exception>
    /// <exception cref="KeyNotFoundException">The vocabulary does not hold the token.</exception>
    public int this[string token] =>
        TryGetId(token, out var id)
            ? id
            : throw new KeyNotFoundException(
                $"The vocabulary of {Count} tokens does not hold '{token}'. Use TryGetId to test for a word, or Encode, which maps unknown words to {UnkToken}.");

    /// <summary>
    /// Builds a vocabulary from tokenised sentences: the special tokens, then the words seen at least
    /// <paramref name="minCount"/> times, most frequent first, words of equal count in ordinal order, so the
    /// same corpus always gives the same ids.
    /// </summary>
    /// <param name="sentences">The corpus, one list of words per sentence.</param>
    /// <param name="maxSize">The largest <see cref="Count"/> allowed, the four special tokens included; the least frequent words are left out.</param>
    /// <param name="minCount">How often a word must occur to be kept.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sentences"/> is null.</exception>
    /// <exception cref="ArgumentException">A sentence or word is null, or a word is empty or holds whitespace.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSize"/> is below 4 or <paramref name="minCount"/> below 1.</exception>
    public static Vocabulary Build(IEnumerable<IReadOnlyList<string>> sentences, int maxSize = int.MaxValue, int minCount = 1)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        if (maxSize < SpecialTokens.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxSize),
                maxSize,
                $"The vocabulary needs room for the {SpecialTokens.Count} special tokens; give a maximum size of at least {SpecialTokens.Count}.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var sentenceIndex = 0;
        foreach (var sentence in sentences)
        {
            if (sentence is null)
            {
                throw new ArgumentException($"Sentence {sentenceIndex} is null; give every sentence as a list of words, an empty list for an empty line.", nameof(sentences));
            }
            for (var wordIndex = 0; wordIndex < sentence.Count; wordIndex++)
            {
                var word = sentence[wordIndex];
                CheckWord(word, $"Word {wordIndex} of sentence {sentenceIndex}", nameof(sentences));
                if (Array.IndexOf(SpecialTokenTexts, word) < 0)
                {
                    counts[word] = counts.GetValueOrDefault(word) + 1;
                }
            }
            sentenceIndex++;
        }

        var words = new List<KeyValuePair<string, int>>(counts.Count);
        foreach (var entry in counts)
        {
            if (entry.Value >= minCount)
            {
                words.Add(entry);
            }
        }
        words.Sort(static (a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));

        var kept = Math.Min(words.Count, maxSize - SpecialTokens.Count);
        var tokens = new string[SpecialTokens.Count + kept];
        SpecialTokenTexts.CopyTo(tokens, 0);
        for (var i = 0; i < kept; i++)
        {
            tokens[SpecialTokens.Count + i] = words[i].Key;
        }
        return new Vocabulary(tokens, IndexTokens(tokens));
    }

    /// <summary>Recreates a vocabulary from its <see cref="Tokens"/>, as stored with a model.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="tokens"/> is null.</exception>
    /// <exception cref="ArgumentException">The list does not start with the four special tokens in id order, names a word twice, or holds a null, empty or whitespace-holding word.</exception>
    public static Vocabulary FromTokens(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var array = new List<string>(tokens).ToArray();
        for (var id = 0; id < SpecialTokens.Count; id++)
        {
            if (id >= array.Length || array[id] != SpecialTokenTexts[id])
            {
                throw new ArgumentException(
                    $"Id {id} must be the special token {SpecialTokenTexts[id]}; a vocabulary's tokens start with {string.Join(", ", SpecialTokenTexts)}.",
                    nameof(tokens));
            }
        }
        for (var id = SpecialTokens.Count; id < array.Length; id++)
        {
            CheckWord(array[id], $"Token {id}", nameof(tokens));
        }
        var ids = new Dictionary<string, int>(array.Length, StringComparer.Ordinal);
        for (var id = 0; id < array.Length; id++)
        {
            if (!ids.TryAdd(array[id], id))
            {
                throw new ArgumentException($"The token '{array[id]}' appears twice, as ids {ids[array[id]]} and {id}; every token needs exactly one id.", nameof(tokens));
            }
        }
        return new Vocabulary(array, ids);
    }

    /// <summary>Finds the id of <paramref name="token"/>.</summary>
    /// <returns>True when the vocabulary holds the token.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is null.</exception>
    public bool TryGetId(string token, out int id)
    {
        ArgumentNullException.ThrowIfNull(token);
        return ids.TryGetValue(token, out id);
    }

    /// <summary>The token with id <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is negative or not below <see cref="Count"/>.</exception>
    public string GetToken(int id)
    {
        CheckId(id, nameof(id));
        return tokens[id];
    }

    /// <summary>The ids of <paramref name="words"/>; a word the vocabulary does not hold becomes <see cref="SpecialTokens.Unk"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="words"/> or one of its words is null.</exception>
    public int[] Encode(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var encoded = new int[words.Count];
        for (var i = 0; i < encoded.Length; i++)
        {
            var word = words[i] ?? throw new ArgumentNullException(nameof(words), $"Word {i} is null; give every word as a string.");
            encoded[i] = ids.TryGetValue(word, out var id) ? id : SpecialTokens.Unk;
        }
        return encoded;
    }

    /// <summary>The ids of the words of <paramref name="text"/>, split on whitespace; unknown words become <see cref="SpecialTokens.Unk"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Encode(text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// The text of <paramref name="ids"/>: tokens joined by single spaces, up to the first
    /// <see cref="SpecialTokens.Eos"/>, with PAD and SOS left out.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below <see cref="Count"/>.</exception>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var text = new StringBuilder();
        foreach (var id in ids)
        {
            CheckId(id, nameof(ids));
            if (id == SpecialTokens.Eos)
            {
                break;
            }
            if (id is SpecialTokens.Pad or SpecialTokens.Sos)
            {
                continue;
            }
            if (text.Length > 0)
            {
                text.Append(' ');
            }
            text.Append(tokens[id]);
        }
        return text.ToString();
    }

    private void CheckId(int id, string name)
    {
        if ((uint)id >= (uint)tokens.Length)
        {
            throw new ArgumentOutOfRangeException(
                name,
                id,
                $"Id {id} is outside this vocabulary's {tokens.Length} ids (0..{tokens.Length - 1}). Decode with the vocabulary the ids were encoded with.");
        }
    }

    private static void CheckWord(string? word, string where, string parameterName)
    {
        if (string.IsNullOrEmpty(word))
        {
            throw new ArgumentException($"{where} is {(word is null ? "null" : "empty")}; give every word as non-empty text.", parameterName);
        }
        foreach (var character in word)
        {
            if (char.IsWhiteSpace(character))
            {
                throw new ArgumentException(
                    $"{where}, '{word}', holds whitespace, so Encode(string) could never produce it. Split the text into words before building the vocabulary.",
                    parameterName);
            }
        }
    }

    private static Dictionary<string, int> IndexTokens(string[] tokens)
    {
        var ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var id = 0; id < tokens.Length; id++)
        {
            ids.Add(tokens[id], id);
        }
        return ids;
    }
}
