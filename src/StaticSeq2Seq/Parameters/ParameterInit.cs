namespace StaticSeq2Seq.Parameters;

/// <summary>How a parameter tensor is initialised, following PyTorch's defaults for the module that owns it.</summary>
public enum ParameterInit
{
    /// <summary>Uniform on ±<see cref="ParameterTensor.InitBound"/> (RNN, GRU and Linear weights and biases).</summary>
    Uniform,

    /// <summary>Standard normal (<c>torch.nn.Embedding</c>).</summary>
    Normal,
}
