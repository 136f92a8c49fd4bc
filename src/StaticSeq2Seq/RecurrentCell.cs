namespace StaticSeq2Seq;

/// <summary>The recurrent cell of a model's encoder and decoder. Gate order and biases follow PyTorch.</summary>
public enum RecurrentCell
{
    /// <summary>Elman RNN, <c>h' = tanh(W_ih x + b_ih + W_hh h + b_hh)</c>, as <c>torch.nn.RNN</c> (the textbook BasicRNNCell).</summary>
    Rnn = 0,

    /// <summary>Gated recurrent unit with gates (r, z, n), as <c>torch.nn.GRU</c>.</summary>
    Gru = 1,

    /// <summary>
    /// Long short-term memory with gates (i, f, g, o), as <c>torch.nn.LSTM</c>: <c>c' = f ⊙ c + i ⊙ g</c>,
    /// <c>h' = o ⊙ tanh(c')</c>. Each layer carries a cell state <c>c</c> beside <c>h</c>; the encoder starts both
    /// at zero and the decoder starts from the encoder's final <c>(h, c)</c> of each layer.
    /// </summary>
    Lstm = 2,
}
