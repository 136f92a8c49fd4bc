using System;
using System.Numerics.Tensors;

namespace StaticSeq2Seq.Decoding;

/// <summary>
/// Beam search over a model's decoder: keeps the <see cref="BeamSearchOptions.BeamWidth"/> most likely partial
/// outputs at each step and returns the best finished ones, ranked with GNMT's length penalty. All memory is
/// allocated here, for the widest beam it will be asked for, so a decode allocates nothing. Not thread-safe:
/// use one decoder (and one workspace) per thread.
/// </summary>
public sealed class BeamSearchDecoder
{
    private readonly ISeq2SeqModel model;
    private readonly int stateSize;
    private readonly int vocabularySize;
    private readonly int maxLength;

    // Live hypotheses, double-buffered: a step reads the current side and writes the other.
    private readonly float[][] states;
    private readonly int[][] tokens;
    private readonly double[][] logProbabilities;
    private int current;
    private int liveCount;

    // Each live hypothesis's input token of this step, its next state and logits, as DecodeSteps writes them, and log Σ exp(logits)
    // (exponentials: one hypothesis's exp(logits − max) at a time).
    private readonly int[] stepTokens;
    private readonly float[] nextStates;
    private readonly float[] logits;
    private readonly float[] exponentials;
    private readonly double[] logNormalizers;

    // The best candidates of a step, best first: hypothesis, token and total log-probability.
    private readonly int[] candidateHypothesis;
    private readonly int[] candidateToken;
    private readonly double[] candidateLogProbability;

    // Finished hypotheses: tokens (EOS not included), length, log-probability, and the score they are ranked by.
    private readonly int[] finishedTokens;
    private readonly int[] finishedLengths;
    private readonly double[] finishedLogProbabilities;
    private readonly double[] finishedScores;
    private readonly int[] finishedOrder;
    private readonly double[] topScores;
    private int finishedCount;
    private int resultCount;

    // With attention weights kept: each live hypothesis's weights of every step so far (double-buffered like its tokens,
    // one row of MaxSourceLength per step), each expansion's weights of this step, and each finished hypothesis's.
    private readonly bool hasAttention;
    private readonly int sourceWidth;
    private readonly int weightStride;
    private readonly float[][] weightHistory = [[], []];
    private readonly float[] stepWeights = [];
    private readonly float[] finishedWeights = [];
    private readonly int[] finishedWeightSteps = [];
    private int sourceLength;

    /// <summary>Prepares a decoder for beams of up to <paramref name="maxBeamWidth"/> hypotheses.</summary>
    /// <param name="model">The model to decode with.</param>
    /// <param name="maxBeamWidth">The widest beam <see cref="Decode"/> will be asked for.</param>
    /// <param name="keepAttentionWeights">
    /// Whether to keep every hypothesis's attention weights of every step for <see cref="GetAttentionWeights"/>; this costs
    /// MaxTargetLength × MaxSourceLength floats for each of the MaxBeamWidth × (MaxTargetLength + 2) hypotheses that can finish.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBeamWidth"/> is below 1 or above the target vocabulary size.</exception>
    public BeamSearchDecoder(ISeq2SeqModel model, int maxBeamWidth, bool keepAttentionWeights = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
        stateSize = model.DecoderStateSize;
        vocabularySize = model.Shape.TargetVocabularySize;
        maxLength = model.Shape.MaxTargetLength;
        if (maxBeamWidth < 1 || maxBeamWidth > vocabularySize)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBeamWidth), maxBeamWidth,
                $"A beam holds 1 to {vocabularySize} hypotheses (the target vocabulary size).");
        }
        MaxBeamWidth = maxBeamWidth;
        states = [new float[maxBeamWidth * stateSize], new float[maxBeamWidth * stateSize]];
        tokens = [new int[maxBeamWidth * maxLength], new int[maxBeamWidth * maxLength]];
        logProbabilities = [new double[maxBeamWidth], new double[maxBeamWidth]];
        nextStates = new float[maxBeamWidth * stateSize];
        stepTokens = new int[maxBeamWidth];
        logits = new float[maxBeamWidth * vocabularySize];
        exponentials = new float[vocabularySize];
        logNormalizers = new double[maxBeamWidth];
        // Twice the width: enough for a full beam to go on even when half the best candidates end at EOS.
        candidateHypothesis = new int[2 * maxBeamWidth];
        candidateToken = new int[2 * maxBeamWidth];
        candidateLogProbability = new double[2 * maxBeamWidth];
        // Each step finishes at most one beam's worth, and the last step finishes the rest.
        var finishedCapacity = maxBeamWidth * (maxLength + 2);
        finishedTokens = new int[finishedCapacity * maxLength];
        finishedLengths = new int[finishedCapacity];
        finishedLogProbabilities = new double[finishedCapacity];
        finishedScores = new double[finishedCapacity];
        finishedOrder = new int[finishedCapacity];
        topScores = new double[maxBeamWidth];
        KeepsAttentionWeights = keepAttentionWeights;
        hasAttention = model.Shape.Attention != AttentionKind.None;
        sourceWidth = model.Shape.MaxSourceLength;
        weightStride = maxLength * sourceWidth;
        if (keepAttentionWeights)
        {
            weightHistory = [new float[maxBeamWidth * weightStride], new float[maxBeamWidth * weightStride]];
            stepWeights = new float[maxBeamWidth * sourceWidth];
            finishedWeights = new float[finishedCapacity * weightStride];
            finishedWeightSteps = new int[finishedCapacity];
        }
    }

    /// <summary>Whether this decoder keeps each hypothesis's attention weights (see <see cref="GetAttentionWeights"/>).</summary>
    public bool KeepsAttentionWeights { get; }

    /// <summary>The widest beam this decoder can run.</summary>
    public int MaxBeamWidth { get; }

    /// <summary>
    /// Decodes <paramref name="source"/> and returns how many hypotheses it found (at most <see cref="BeamSearchOptions.NBest"/>);
    /// read them with <see cref="GetTokens"/>, <see cref="GetScore"/> and <see cref="GetLogProbability"/>, best first.
    /// </summary>
    /// <exception cref="ArgumentException">The options ask for more than this decoder was made for, or the model refuses the source.</exception>
    public int Decode(Seq2SeqWorkspace workspace, ReadOnlySpan<int> source, BeamSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var width = options.BeamWidth;
        if (width > MaxBeamWidth)
        {
            throw new ArgumentException($"The beam width {width} is more than the {MaxBeamWidth} this decoder was made for; create it with a larger maximum.", nameof(options));
        }
        var length = Math.Min(options.MaxLength ?? maxLength, maxLength);

        model.BeginDecode(workspace, source, states[current].AsSpan(0, stateSize));
        sourceLength = source.Length;
        logProbabilities[current][0] = 0;
        liveCount = 1;
        finishedCount = 0;

        for (var step = 0; step <= length && liveCount > 0 && !NoLiveHypothesisCanWin(width, length, options.LengthPenalty); step++)
        {
            if (step == length)
            {
                // Out of room: what is still alive ends here, without EOS.
                for (var h = 0; h < liveCount; h++)
                {
                    Finish(h, step, logProbabilities[current][h], options.LengthPenalty, endsWithEos: false);
                }
                break;
            }
            ExpandLiveHypotheses(workspace, step);
            var candidates = SelectCandidates(width, allowEos: step >= options.MinLength);
            Advance(step, width, candidates, options.LengthPenalty);
        }

        RankFinished();
        resultCount = Math.Min(Math.Min(options.NBest, width), finishedCount);
        return resultCount;
    }

    /// <summary>The tokens of the <paramref name="rank"/>-th best hypothesis of the last decode, EOS not included.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rank"/> is not below the count the last decode returned.</exception>
    public ReadOnlySpan<int> GetTokens(int rank)
    {
        var index = Finished(rank);
        return finishedTokens.AsSpan(index * maxLength, finishedLengths[index]);
    }

    /// <summary>The score the <paramref name="rank"/>-th best hypothesis was ranked by: its log-probability over the length penalty.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rank"/> is not below the count the last decode returned.</exception>
    public double GetScore(int rank) => finishedScores[Finished(rank)];

    /// <summary>The log-probability of the <paramref name="rank"/>-th best hypothesis, its EOS included when it ended with one.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rank"/> is not below the count the last decode returned.</exception>
    public double GetLogProbability(int rank) => finishedLogProbabilities[Finished(rank)];

    /// <summary>
    /// How many decoder steps of the <paramref name="rank"/>-th best hypothesis have attention weights: one per token, and one
    /// more for its EOS if it ended with one, as greedy decoding counts them. 0 for a model without attention.
    /// </summary>
    /// <exception cref="InvalidOperationException">This decoder was made without <c>keepAttentionWeights</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rank"/> is not below the count the last decode returned.</exception>
    public int GetAttentionStepCount(int rank)
    {
        CheckKeepsAttentionWeights();
        return finishedWeightSteps[Finished(rank)];
    }

    /// <summary>
    /// The attention weights over the source of decoder step <paramref name="step"/> of the <paramref name="rank"/>-th best
    /// hypothesis: step 0 read SOS, step i its token i − 1. The span points into this decoder; the next decode overwrites it.
    /// </summary>
    /// <exception cref="InvalidOperationException">This decoder was made without <c>keepAttentionWeights</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The rank is not below the count the last decode returned, or the step not below <see cref="GetAttentionStepCount"/>.</exception>
    public ReadOnlySpan<float> GetAttentionWeights(int rank, int step)
    {
        CheckKeepsAttentionWeights();
        var index = Finished(rank);
        if ((uint)step >= (uint)finishedWeightSteps[index])
        {
            throw new ArgumentOutOfRangeException(nameof(step), step,
                $"Hypothesis {rank} has attention weights for {finishedWeightSteps[index]} steps; ask for step 0 to {finishedWeightSteps[index] - 1}.");
        }
        return finishedWeights.AsSpan(index * weightStride + step * sourceWidth, sourceLength);
    }

    private void CheckKeepsAttentionWeights()
    {
        if (!KeepsAttentionWeights)
        {
            throw new InvalidOperationException("This beam decoder keeps no attention weights; create it with keepAttentionWeights: true.");
        }
    }

    private int Finished(int rank)
    {
        if ((uint)rank >= (uint)resultCount)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"The last decode returned {resultCount} hypotheses; ask for rank 0 to {resultCount - 1}.");
        }
        return finishedOrder[rank];
    }

    /// <summary>Runs one decoder step for every live hypothesis and finds the log-normalizer of its logits.</summary>
    private void ExpandLiveHypotheses(Seq2SeqWorkspace workspace, int step)
    {
        for (var h = 0; h < liveCount; h++)
        {
            stepTokens[h] = step == 0 ? SpecialTokens.Sos : tokens[current][h * maxLength + step - 1];
        }
        // One call for the whole beam: the model reads each of its matrices once for every hypothesis.
        model.DecodeSteps(workspace, states[current].AsSpan(0, liveCount * stateSize), stepTokens.AsSpan(0, liveCount),
            nextStates.AsSpan(0, liveCount * stateSize), logits.AsSpan(0, liveCount * vocabularySize),
            KeepsAttentionWeights ? stepWeights.AsSpan(0, liveCount * sourceWidth) : default);
        for (var h = 0; h < liveCount; h++)
        {
            var hypothesisLogits = logits.AsSpan(h * vocabularySize, vocabularySize);
            // log p = l − log Σ exp(l), through the largest logit so exp cannot overflow. The logits stay as they are,
            // so ranking one hypothesis's tokens compares the same floats greedy decoding's argmax does.
            // The exponentials are float SIMD (within an ulp or two, each at most 1), their sum double.
            var max = TensorPrimitives.Max(hypothesisLogits);
            TensorPrimitives.Subtract(hypothesisLogits, max, exponentials);
            TensorPrimitives.Exp(exponentials, exponentials);
            logNormalizers[h] = max + Math.Log(SumInDouble(exponentials));
        }
    }

    /// <summary>Σ values in double, four running sums so the additions overlap, added pairwise at the end.</summary>
    private static double SumInDouble(ReadOnlySpan<float> values)
    {
        double sum0 = 0, sum1 = 0, sum2 = 0, sum3 = 0;
        var i = 0;
        for (; i + 4 <= values.Length; i += 4)
        {
            sum0 += values[i];
            sum1 += values[i + 1];
            sum2 += values[i + 2];
            sum3 += values[i + 3];
        }
        for (; i < values.Length; i++)
        {
            sum0 += values[i];
        }
        return (sum0 + sum1) + (sum2 + sum3);
    }

    /// <summary>Keeps the best 2 × width (hypothesis, token) extensions, best first, by total log-probability.</summary>
    private int SelectCandidates(int width, bool allowEos)
    {
        var capacity = 2 * width;
        var count = 0;
        for (var h = 0; h < liveCount; h++)
        {
            var baseLogProbability = logProbabilities[current][h] - logNormalizers[h];
            var hypothesisLogits = logits.AsSpan(h * vocabularySize, vocabularySize);
            for (var v = 0; v < vocabularySize; v++)
            {
                if (v == SpecialTokens.Eos && !allowEos)
                {
                    continue;
                }
                var total = baseLogProbability + hypothesisLogits[v];
                if (count == capacity && total <= candidateLogProbability[count - 1])
                {
                    continue;
                }
                // Insertion into the short sorted list; ties keep the earlier (hypothesis, token), as greedy argmax does.
                var at = count < capacity ? count++ : count - 1;
                while (at > 0 && candidateLogProbability[at - 1] < total)
                {
                    candidateLogProbability[at] = candidateLogProbability[at - 1];
                    candidateHypothesis[at] = candidateHypothesis[at - 1];
                    candidateToken[at] = candidateToken[at - 1];
                    at--;
                }
                candidateLogProbability[at] = total;
                candidateHypothesis[at] = h;
                candidateToken[at] = v;
            }
        }
        return count;
    }

    /// <summary>Ends hypotheses whose best extension is EOS and carries the best others into the next step.</summary>
    private void Advance(int step, int width, int candidates, float lengthPenalty)
    {
        var next = 1 - current;
        var nextLive = 0;
        for (var c = 0; c < candidates && nextLive < width; c++)
        {
            var h = candidateHypothesis[c];
            var token = candidateToken[c];
            if (token == SpecialTokens.Eos)
            {
                // Only an EOS among the beam's best ends a hypothesis; a lower-ranked one would not have been kept.
                if (c < width)
                {
                    Finish(h, step, candidateLogProbability[c], lengthPenalty, endsWithEos: true);
                }
                continue;
            }
            tokens[current].AsSpan(h * maxLength, step).CopyTo(tokens[next].AsSpan(nextLive * maxLength));
            tokens[next][nextLive * maxLength + step] = token;
            nextStates.AsSpan(h * stateSize, stateSize).CopyTo(states[next].AsSpan(nextLive * stateSize));
            logProbabilities[next][nextLive] = candidateLogProbability[c];
            if (KeepsAttentionWeights)
            {
                var history = weightHistory[next].AsSpan(nextLive * weightStride, weightStride);
                weightHistory[current].AsSpan(h * weightStride, step * sourceWidth).CopyTo(history);
                stepWeights.AsSpan(h * sourceWidth, sourceWidth).CopyTo(history.Slice(step * sourceWidth));
            }
            nextLive++;
        }
        current = next;
        liveCount = nextLive;
    }

    /// <summary>Records a finished hypothesis; one that <paramref name="endsWithEos"/> also keeps the weights of the step that chose EOS.</summary>
    private void Finish(int hypothesis, int length, double logProbability, float lengthPenalty, bool endsWithEos)
    {
        var index = finishedCount++;
        if (KeepsAttentionWeights)
        {
            var weights = finishedWeights.AsSpan(index * weightStride, weightStride);
            weightHistory[current].AsSpan(hypothesis * weightStride, length * sourceWidth).CopyTo(weights);
            if (endsWithEos)
            {
                stepWeights.AsSpan(hypothesis * sourceWidth, sourceWidth).CopyTo(weights.Slice(length * sourceWidth));
            }
            finishedWeightSteps[index] = hasAttention ? length + (endsWithEos ? 1 : 0) : 0;
        }
        tokens[current].AsSpan(hypothesis * maxLength, length).CopyTo(finishedTokens.AsSpan(index * maxLength));
        finishedLengths[index] = length;
        finishedLogProbabilities[index] = logProbability;
        finishedScores[index] = logProbability / Math.Pow((5.0 + length) / 6.0, lengthPenalty);
    }

    /// <summary>
    /// True once <paramref name="width"/> hypotheses have finished and no live one can still beat the worst of them.
    /// A live hypothesis's log-probability only falls as it grows, and its length penalty is largest at the maximum
    /// length, so log p / ((5 + maxLength) / 6)^α bounds every score it can still reach.
    /// </summary>
    private bool NoLiveHypothesisCanWin(int width, int length, float lengthPenalty)
    {
        if (finishedCount < width)
        {
            return false;
        }
        var bestLive = double.NegativeInfinity;
        for (var h = 0; h < liveCount; h++)
        {
            bestLive = Math.Max(bestLive, logProbabilities[current][h]);
        }
        var bound = bestLive / Math.Pow((5.0 + length) / 6.0, lengthPenalty);
        return bound <= WidthBestFinishedScore(width);
    }

    /// <summary>The <paramref name="width"/>-th best score among the finished hypotheses, kept in a short sorted list.</summary>
    private double WidthBestFinishedScore(int width)
    {
        var count = 0;
        for (var i = 0; i < finishedCount; i++)
        {
            var score = finishedScores[i];
            if (count == width && score <= topScores[width - 1])
            {
                continue;
            }
            var at = count < width ? count++ : width - 1;
            while (at > 0 && topScores[at - 1] < score)
            {
                topScores[at] = topScores[at - 1];
                at--;
            }
            topScores[at] = score;
        }
        return topScores[width - 1];
    }

    /// <summary>Orders the finished hypotheses best first; insertion sort keeps equal scores in the order they finished.</summary>
    private void RankFinished()
    {
        for (var i = 0; i < finishedCount; i++)
        {
            var index = i;
            var at = i;
            while (at > 0 && finishedScores[finishedOrder[at - 1]] < finishedScores[index])
            {
                finishedOrder[at] = finishedOrder[at - 1];
                at--;
            }
            finishedOrder[at] = index;
        }
    }
}
