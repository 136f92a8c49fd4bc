using System;

namespace StaticSeq2Seq.Text;

/// <summary>
/// One line of a parallel corpus: a sentence and its translation, as text. Turn it into token ids with a
/// <see cref="Data.Vocabulary"/> on each side to get the <see cref="Data.SequencePair"/> a trainer consumes.
/// </summary>
public sealed record SentencePair
{
    /// <summary>Pairs <paramref name="source"/> with its translation <paramref name="target"/>.</summary>
    /// <exception cref="ArgumentNullException">A sentence is null.</exception>
    public SentencePair(string source, string target)
    {
        Source = source;
        Target = target;
    }

    /// <summary>The sentence to translate.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public string Source
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Source), "Give the source sentence as text, an empty string for none.");
    }

    /// <summary>Its translation.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public string Target
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Target), "Give the target sentence as text, an empty string for none.");
    }

    /// <summary>Splits the pair into its source and target.</summary>
    public void Deconstruct(out string source, out string target)
    {
        source = Source;
        target = Target;
    }
}
