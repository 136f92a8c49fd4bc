namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// The emitted code's dropout: a layer's input is read through the training pass (<c>pass.Drop</c>), which returns it
/// unchanged at rate 0 and otherwise writes it masked into a kept buffer; the backward pass reads the same input again
/// (<c>pass.DroppedInput</c>) and sends dL/dx through the same mask (<c>pass.GradientTarget</c>, <c>pass.AddDroppedGradient</c>).
/// At rate 0 every call falls through to the code without dropout, so the bits are the same.
/// </summary>
internal static class DropoutEmitter
{
    /// <summary>The training pass decoding runs with: it drops nothing.</summary>
    public const string NoDropout = "global::StaticSeq2Seq.TrainingPass.TeacherForced";

    public const string EncoderEmbeddingStream = "global::StaticSeq2Seq.DropoutMask.EncoderEmbeddingStream";

    public const string DecoderEmbeddingStream = "global::StaticSeq2Seq.DropoutMask.DecoderEmbeddingStream";

    public static string LayerOutputStream(bool encoder, int layer) =>
        $"global::StaticSeq2Seq.DropoutMask.{(encoder ? "Encoder" : "Decoder")}LayerOutputStream({layer})";

    /// <summary>
    /// One dropped input of a layer: <paramref name="Source"/> as the layer above or the embedding holds it,
    /// <paramref name="Dropped"/> the row it is masked into, <paramref name="Stream"/> its mask's stream,
    /// <paramref name="Step"/> the time step, and <paramref name="Width"/> its size's constant.
    /// </summary>
    public sealed record Input(string Source, string Dropped, string Stream, string Step, string Width)
    {
        public string Drawn => $"pass.Drop({Source}, {Dropped}, {Stream}, {Step})";

        public string Reread => $"pass.DroppedInput({Source}, {Dropped}, {Stream})";

        /// <summary>
        /// Emits a layer's backward call whose dL/dx goes through the mask into <paramref name="gradient"/>:
        /// <paramref name="call"/> formats the call from the input and the dL/dx span.
        /// </summary>
        public void EmitBackward(CodeWriter w, string variable, string gradient, System.Func<string, string, string> call)
        {
            w.Line($"Span<float> {variable} = pass.GradientTarget({gradient}, {Slices.Scratch("DDroppedInput", Width)}, {Stream});");
            w.Line($"{call(Reread, variable)};");
            w.Line($"pass.AddDroppedGradient({variable}, {gradient}, {Stream}, {Step});");
        }
    }
}
