using System;

namespace StaticSeq2Seq.Numerics;

/// <summary>The length checks the cells' gate math (<see cref="GruGates"/>, <see cref="LstmGates"/>) runs on its spans.</summary>
internal static class CellSpans
{
    /// <exception cref="ArgumentException"><paramref name="actual"/> is below <paramref name="required"/>.</exception>
    public static void Require(int required, int actual, int hiddenSize, string name)
    {
        if (actual < required)
        {
            throw new ArgumentException(
                $"'{name}' holds {actual} values but a hidden size of {hiddenSize} needs {required}; pass the cell's slices.",
                name);
        }
    }
}
