namespace StaticSeq2Seq;

/// <summary>
/// The number format of the weight matrices that decoding reads (greedy decoding and the step-wise decoding beam
/// search runs on). Training, <c>Forward</c>, <c>Backward</c>, <c>ComputeLogits</c> and checkpoints always use the
/// float parameters; this only chooses what a decoder step streams from memory.
/// </summary>
public enum DecodeWeightFormat
{
    /// <summary>Decoding multiplies by the float parameters themselves.</summary>
    Float32 = 0,

    /// <summary>
    /// Decoding multiplies by a bfloat16 copy (the upper 16 bits of each float, rounded to nearest, ties to even) of the
    /// decoder's recurrent weights, the attention matrices and the output projection, which halves the bytes a step
    /// streams. Products still add up in float. The copy is made from the float parameters and rebuilt the first time
    /// decoding runs after they may have changed (through <c>Parameters</c> or <c>InitializeParameters</c>, which is
    /// how training, optimizers and checkpoint loads change them); it costs half the parameters' memory. The encoder,
    /// embeddings and biases stay float; so does the decoder's per-token input table where the model has one.
    /// </summary>
    BFloat16 = 1,

    /// <summary>
    /// Decoding multiplies by an int8 copy of the same matrices as <see cref="BFloat16"/>, a quarter of the float bytes,
    /// quantized symmetrically with one float scale per output row (<see cref="Numerics.Int8Quantization"/>: scale =
    /// the row's largest magnitude / 127, each weight rounded to nearest, ties to even, in units of it). Only the
    /// weights are quantized: the kernels widen each int8 weight to float, multiply-add with the float activations and
    /// scale each output once, so every weight is off by at most half its row's scale and nothing else changes. The
    /// copy is rebuilt as the bfloat16 one is, the first time decoding runs after the parameters may have changed,
    /// without allocating; it costs a quarter of the parameters' memory plus a float per row. A row holding a NaN or
    /// an infinity decodes its output as NaN. The encoder, embeddings, biases and the decoder's per-token input table
    /// stay float.
    /// </summary>
    Int8 = 2,

    /// <summary>
    /// Decoding multiplies by int8 weights as <see cref="Int8"/> quantizes them, and quantizes each product's input
    /// vector too, at run time with one scale per vector (its largest magnitude / 63: seven bits, which x64 processors
    /// without AVX-VNNI multiply exactly in one instruction), so every product is a sum of exact integer products
    /// (<see cref="Numerics.Int8DotProducts"/>; AVX-VNNI or AVX-512BW where the processor has it) scaled once per
    /// output. Besides the decoder's matrices of <see cref="Int8"/>, a one-way encoder's recurrent matrices are read
    /// from the copy too, through a decoding-only encoder pass (training's stays float). Each input is then off by up
    /// to half its vector's scale as well, so the logits stray further from the float ones than with
    /// <see cref="Int8"/>; measure the accuracy on your own data before choosing it. The copy is rebuilt as the other
    /// formats' is and costs about a quarter of the parameters' memory plus two values per row.
    /// </summary>
    Int8Dynamic = 3,
}
