using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace StaticSeq2Seq;

/// <summary>
/// Argument checks that generated models run at the top of every public entry point. The checks are
/// cheap and inline; the throwing paths are kept out of line so the hot paths stay small.
/// </summary>
public static class ModelInputGuard
{
    /// <summary>Checks that <paramref name="workspace"/> was created by a model of type <paramref name="owner"/>.</summary>
    /// <exception cref="ArgumentNullException">The workspace is null.</exception>
    /// <exception cref="ArgumentException">The workspace belongs to another model type.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckWorkspace(Seq2SeqWorkspace workspace, Type owner)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (workspace.Owner != owner)
        {
            ThrowWrongWorkspace(workspace, owner);
        }
    }

    /// <summary>Checks that a sequence is non-empty, no longer than <paramref name="maxLength"/>, and holds only ids below <paramref name="vocabularySize"/>.</summary>
    /// <exception cref="ArgumentException">The sequence is empty or too long.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token id is negative or not below the vocabulary size.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckSequence(ReadOnlySpan<int> tokens, int maxLength, int vocabularySize, string name)
    {
        if (tokens.IsEmpty || tokens.Length > maxLength)
        {
            ThrowBadLength(tokens.Length, maxLength, name);
        }
        foreach (var token in tokens)
        {
            if ((uint)token >= (uint)vocabularySize)
            {
                ThrowBadToken(tokens, vocabularySize, name);
            }
        }
    }

    /// <summary>Checks that one token id is below <paramref name="vocabularySize"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is negative or not below the vocabulary size.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckToken(int token, int vocabularySize, string name)
    {
        if ((uint)token >= (uint)vocabularySize)
        {
            ThrowBadToken(token, vocabularySize, name);
        }
    }

    /// <summary>Checks that every id of <paramref name="tokens"/> is below <paramref name="vocabularySize"/>; an empty span passes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below the vocabulary size.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckTokens(ReadOnlySpan<int> tokens, int vocabularySize, string name)
    {
        foreach (var token in tokens)
        {
            if ((uint)token >= (uint)vocabularySize)
            {
                ThrowBadToken(tokens, vocabularySize, name);
            }
        }
    }

    /// <summary>Checks that a caller's buffer holds <paramref name="rows"/> rows of <paramref name="rowLength"/> elements.</summary>
    /// <exception cref="ArgumentException">The buffer is too short.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckRows(int actual, int rows, int rowLength, string name)
    {
        if (actual < (long)rows * rowLength)
        {
            ThrowTooFewRows(actual, rows, rowLength, name);
        }
    }

    /// <summary>Checks that <paramref name="workspace"/> holds a forward pass for a backward pass to use.</summary>
    /// <exception cref="InvalidOperationException">No forward pass has run on the workspace since it was created or last used to decode.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckForwardPass(Seq2SeqWorkspace workspace)
    {
        if (!workspace.HoldsForwardPass)
        {
            ThrowNoForwardPass();
        }
    }

    /// <summary>Checks that <paramref name="stage"/> was created by a model of type <paramref name="owner"/>.</summary>
    /// <exception cref="ArgumentNullException">The stage is null.</exception>
    /// <exception cref="ArgumentException">The stage belongs to another model type.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckStage(WeightGradientStage stage, Type owner)
    {
        ArgumentNullException.ThrowIfNull(stage);
        if (stage.Owner != owner)
        {
            ThrowWrongStage(stage, owner);
        }
    }

    /// <summary>Checks that <paramref name="stage"/> has room for one more pair.</summary>
    /// <exception cref="InvalidOperationException">The stage holds <see cref="WeightGradientStage.PairCapacity"/> pairs.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckStageRoom(WeightGradientStage stage)
    {
        if (stage.Pairs >= WeightGradientStage.PairCapacity)
        {
            ThrowStageFull();
        }
    }

    /// <summary>Checks that a caller's buffer holds at least <paramref name="required"/> elements.</summary>
    /// <exception cref="ArgumentException">The buffer is too short.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckLength(int actual, int required, string name)
    {
        if (actual < required)
        {
            ThrowTooShort(actual, required, name);
        }
    }

    [DoesNotReturn]
    private static void ThrowWrongWorkspace(Seq2SeqWorkspace workspace, Type owner) =>
        throw new ArgumentException(
            $"This workspace was created by {workspace.Owner.Name}, not {owner.Name}. Create one with {owner.Name}.CreateWorkspace().",
            nameof(workspace));

    [DoesNotReturn]
    private static void ThrowWrongStage(WeightGradientStage stage, Type owner) =>
        throw new ArgumentException(
            $"This weight-gradient stage was created by {stage.Owner.Name}, not {owner.Name}. Create one with {owner.Name}.CreateWeightGradientStage().",
            nameof(stage));

    [DoesNotReturn]
    private static void ThrowStageFull() =>
        throw new InvalidOperationException(
            $"The weight-gradient stage already holds {WeightGradientStage.PairCapacity} pairs. Call AddStagedWeightGradients to add them before staging another pair.");

    [DoesNotReturn]
    private static void ThrowBadLength(int length, int maxLength, string name) =>
        throw new ArgumentException(
            length == 0
                ? $"The {name} sequence is empty; give at least one token."
                : $"The {name} sequence has {length} tokens but the model was compiled for at most {maxLength}. Shorten it, or raise the maximum length in the model's attribute.",
            name);

    [DoesNotReturn]
    private static void ThrowBadToken(ReadOnlySpan<int> tokens, int vocabularySize, string name)
    {
        var index = 0;
        while ((uint)tokens[index] < (uint)vocabularySize)
        {
            index++;
        }
        throw new ArgumentOutOfRangeException(
            name,
            tokens[index],
            $"Token {index} of the {name} sequence is id {tokens[index]}, outside the model's vocabulary of {vocabularySize} ids (0..{vocabularySize - 1}). Encode text with the vocabulary the model was built for.");
    }

    [DoesNotReturn]
    private static void ThrowBadToken(int token, int vocabularySize, string name) =>
        throw new ArgumentOutOfRangeException(
            name,
            token,
            $"Token id {token} is outside the model's target vocabulary of {vocabularySize} ids (0..{vocabularySize - 1}). Use an id the model's target vocabulary holds, such as one a previous step's logits chose.");

    [DoesNotReturn]
    private static void ThrowNoForwardPass() =>
        throw new InvalidOperationException(
            "Backward needs the activations of a forward pass, and this workspace holds none (it is new, or a decode has reused it). Call Forward with the same workspace first.");

    [DoesNotReturn]
    private static void ThrowTooFewRows(int actual, int rows, int rowLength, string name) =>
        throw new ArgumentException(
            $"The {name} buffer holds {actual} elements but {rows} hypotheses need {rows} x {rowLength} = {(long)rows * rowLength}. Pass a buffer of at least that many elements, or fewer tokens.",
            name);

    [DoesNotReturn]
    private static void ThrowTooShort(int actual, int required, string name) =>
        throw new ArgumentException($"The {name} buffer holds {actual} elements but needs at least {required}. Pass a buffer of at least {required} elements; it may be longer.", name);
}
