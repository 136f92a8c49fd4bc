namespace StaticSeq2Seq;

/// <summary>The recurrent cell of a model's encoder and decoder. Gate order and biases follow PyTorch.</summary>
public enum RecurrentCell
{
    /// <summary>Elman RNN, <c>h' = tanh(W_ih x + b_ih + W_hh h + b_hh)</c>, as <c>torch.nn.RNN</c> (the textbook BasicRNNCell).</summary>
    Rnn = 0,

    /// <summary>Gated recurrent unit with gates (r, z, n), as <c>torch.nn.GRU</c>.</summary>
    Gru = 1,
}
