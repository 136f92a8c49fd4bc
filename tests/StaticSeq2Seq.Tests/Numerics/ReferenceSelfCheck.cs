using StaticSeq2Seq.Tests.Reference;
using Xunit;

namespace StaticSeq2Seq.Tests.Numerics;

/// <summary>
/// The reference against the formulas written out by hand for one-unit models, so that the tests comparing the
/// generated code with it rest on something checked independently: gate order, where r multiplies, which state
/// the decoder starts from, which tokens go in and which are expected.
/// </summary>
public sealed class ReferenceSelfCheck
{
    private static void Set(Dictionary<string, double[]> weights, string name, double[] values)
    {
        Assert.Equal(weights[name].Length, values.Length);
        values.CopyTo(weights[name], 0);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double NegativeLogSoftmax(double[] logits, int index) =>
        Math.Log(logits.Sum(Math.Exp)) - logits[index];

    [Fact]
    public void A_one_unit_GRU_computes_the_PyTorch_formulas_written_out_by_hand()
    {
        // V = 4 (PAD, SOS, EOS, UNK), E = H = 1, one layer.
        var shape = new ModelShape(4, 4, 1, 1, 1, RecurrentCell.Gru, 2, 2);
        var reference = new ReferenceSeq2Seq(shape);
        var w = reference.Weights;
        Set(w, "encoder.embedding.weight", [0.1, -0.2, 0.3, 0.7]);
        Set(w, "decoder.embedding.weight", [-0.5, 0.9, 0.25, -0.4]);
        //                                   r     z     n
        Set(w, "encoder.rnn.weight_ih_l0", [0.5, -0.3, 0.8]);
        Set(w, "encoder.rnn.weight_hh_l0", [0.2, 0.6, -0.7]);
        Set(w, "encoder.rnn.bias_ih_l0", [0.05, -0.1, 0.15]);
        Set(w, "encoder.rnn.bias_hh_l0", [-0.2, 0.3, 0.4]);
        Set(w, "decoder.rnn.weight_ih_l0", [-0.6, 0.45, 0.35]);
        Set(w, "decoder.rnn.weight_hh_l0", [0.3, -0.25, 0.9]);
        Set(w, "decoder.rnn.bias_ih_l0", [0.1, 0.2, -0.3]);
        Set(w, "decoder.rnn.bias_hh_l0", [0.25, -0.15, 0.05]);
        Set(w, "decoder.out.weight", [1.0, -2.0, 0.5, 1.5]);
        Set(w, "decoder.out.bias", [0.1, 0.0, -0.2, 0.3]);

        static double Gru(double x, double h, double[] wi, double[] wh, double[] bi, double[] bh)
        {
            var r = Sigmoid(wi[0] * x + bi[0] + wh[0] * h + bh[0]);
            var z = Sigmoid(wi[1] * x + bi[1] + wh[1] * h + bh[1]);
            var n = Math.Tanh(wi[2] * x + bi[2] + r * (wh[2] * h + bh[2]));
            return (1 - z) * n + z * h;
        }
        double Encoder(double x, double h) => Gru(x, h, w["encoder.rnn.weight_ih_l0"], w["encoder.rnn.weight_hh_l0"], w["encoder.rnn.bias_ih_l0"], w["encoder.rnn.bias_hh_l0"]);
        double Decoder(double x, double h) => Gru(x, h, w["decoder.rnn.weight_ih_l0"], w["decoder.rnn.weight_hh_l0"], w["decoder.rnn.bias_ih_l0"], w["decoder.rnn.bias_hh_l0"]);
        double[] Logits(double h) => [.. Enumerable.Range(0, 4).Select(v => w["decoder.out.weight"][v] * h + w["decoder.out.bias"][v])];

        // source [3, 0], target [3]: decoder inputs SOS, 3; expected 3, EOS.
        var h = Encoder(0.7, 0.0);
        h = Encoder(0.1, h);
        h = Decoder(0.9, h);
        var logits0 = Logits(h);
        h = Decoder(-0.4, h);
        var logits1 = Logits(h);
        var expected = NegativeLogSoftmax(logits0, 3) + NegativeLogSoftmax(logits1, SpecialTokens.Eos);

        var result = reference.Forward([3, 0], [3]);
        Assert.Equal(expected, result.Loss, 1e-14);
        Assert.Equal(logits0, result.Logits[0], new ToleranceComparer(1e-14));
        Assert.Equal(logits1, result.Logits[1], new ToleranceComparer(1e-14));
        Assert.Equal([SpecialTokens.Sos, 3], result.DecoderInputs);
        Assert.Equal([3, SpecialTokens.Eos], result.Expected);
    }

    [Fact]
    public void A_two_layer_one_unit_RNN_starts_each_decoder_layer_from_the_same_encoder_layer()
    {
        var shape = new ModelShape(4, 4, 1, 1, 2, RecurrentCell.Rnn, 3, 1);
        var reference = new ReferenceSeq2Seq(shape);
        var w = reference.Weights;
        Set(w, "encoder.embedding.weight", [0.3, 0.6, -0.9, 1.2]);
        Set(w, "decoder.embedding.weight", [0.2, -0.7, 0.4, 0.8]);
        w["encoder.rnn.weight_ih_l0"][0] = 0.9; w["encoder.rnn.weight_hh_l0"][0] = -0.4; w["encoder.rnn.bias_ih_l0"][0] = 0.1; w["encoder.rnn.bias_hh_l0"][0] = 0.05;
        w["encoder.rnn.weight_ih_l1"][0] = -1.1; w["encoder.rnn.weight_hh_l1"][0] = 0.5; w["encoder.rnn.bias_ih_l1"][0] = -0.2; w["encoder.rnn.bias_hh_l1"][0] = 0.3;
        w["decoder.rnn.weight_ih_l0"][0] = 0.7; w["decoder.rnn.weight_hh_l0"][0] = 1.3; w["decoder.rnn.bias_ih_l0"][0] = 0.0; w["decoder.rnn.bias_hh_l0"][0] = -0.1;
        w["decoder.rnn.weight_ih_l1"][0] = 0.6; w["decoder.rnn.weight_hh_l1"][0] = -0.8; w["decoder.rnn.bias_ih_l1"][0] = 0.2; w["decoder.rnn.bias_hh_l1"][0] = 0.15;
        Set(w, "decoder.out.weight", [0.5, -1.0, 2.0, 0.25]);
        Set(w, "decoder.out.bias", [0.0, 0.1, -0.1, 0.2]);

        double Cell(string module, int layer, double x, double h) => Math.Tanh(
            w[$"{module}.rnn.weight_ih_l{layer}"][0] * x + w[$"{module}.rnn.bias_ih_l{layer}"][0] +
            w[$"{module}.rnn.weight_hh_l{layer}"][0] * h + w[$"{module}.rnn.bias_hh_l{layer}"][0]);

        // source [2, 1, 3]: layer 0 reads the embeddings, layer 1 reads layer 0's new state.
        double e0 = 0, e1 = 0;
        foreach (var x in new[] { -0.9, 0.6, 1.2 })
        {
            e0 = Cell("encoder", 0, x, e0);
            e1 = Cell("encoder", 1, e0, e1);
        }
        // target [0]: inputs SOS, 0; expected 0, EOS. Decoder layer l starts from encoder layer l.
        double d0 = e0, d1 = e1, loss = 0;
        foreach (var (x, y) in new[] { (-0.7, 0), (0.2, SpecialTokens.Eos) })
        {
            d0 = Cell("decoder", 0, x, d0);
            d1 = Cell("decoder", 1, d0, d1);
            loss += NegativeLogSoftmax([.. Enumerable.Range(0, 4).Select(v => w["decoder.out.weight"][v] * d1 + w["decoder.out.bias"][v])], y);
        }

        Assert.Equal(loss, reference.Loss([2, 1, 3], [0]), 1e-14);
    }

    [Fact]
    public void Greedy_decoding_feeds_back_its_own_argmax_and_stops_at_EOS()
    {
        // With E = H = 1 and a decoder that copies its input embedding (tanh of it, through large weights), the
        // logits are ordered by out.weight * h; choosing the weights makes token 3 win after SOS and EOS win after 3.
        var shape = new ModelShape(4, 4, 1, 1, 1, RecurrentCell.Rnn, 1, 3);
        var reference = new ReferenceSeq2Seq(shape);
        var w = reference.Weights;
        Set(w, "decoder.embedding.weight", [0, 1, 0, -1]);   // SOS -> +1, token 3 -> -1
        w["decoder.rnn.weight_ih_l0"][0] = 5;                // h ~ sign of the input embedding
        Set(w, "decoder.out.weight", [0, 0, -3, 3]);         // h > 0: token 3 wins; h < 0: EOS wins
        var result = reference.DecodeGreedy([0]);
        Assert.Equal([3], result.Tokens);
        Assert.Equal([3, SpecialTokens.Eos], result.Choices);
        Assert.All(result.Margins, m => Assert.True(m > 1));

        // EOS never wins: decoding stops at the maximum target length.
        Set(w, "decoder.out.weight", [0, 0, -3, -3]);
        Set(w, "decoder.out.bias", [0, 0, 0, 10]);
        Assert.Equal([3, 3, 3], reference.DecodeGreedy([0]).Tokens);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
