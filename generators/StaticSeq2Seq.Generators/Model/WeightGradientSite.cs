namespace StaticSeq2Seq.Generators.Model;

/// <summary>
/// One weight gradient that gathers over all steps at once, <c>dW += Σ_t x_t dy_t^T</c> (and <c>db += Σ_t dy_t</c>),
/// whose rows a <c>WeightGradientStage</c> can hold until several pairs' rows are added in one pass.
/// </summary>
/// <param name="Name">The stem of its emitted function and staged buffers, such as <c>DecoderLayer0Hh</c>.</param>
/// <param name="Kernel">The all-steps kernel's size: x has <c>In</c> floats a row, dy <c>Out</c>.</param>
/// <param name="WeightSlice">The weight's offset and length in the parameter layout, as the emitted code spells them with named constants.</param>
/// <param name="BiasTensor">Identifier of the bias's tensor, or null for a kernel without bias.</param>
/// <param name="OverSource">Its rows are source positions rather than decoder steps.</param>
/// <param name="Description">What the rows are, in the words of the emitted comment.</param>
internal sealed record WeightGradientSite(
    string Name,
    LinearKernelPlan Kernel,
    string WeightSlice,
    string? BiasTensor,
    bool OverSource,
    string Description);
