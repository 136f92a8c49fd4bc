namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the cells' element-wise math, forward and backward side by side. The dense products around it are
/// the <see cref="LinearKernelEmitter"/>'s; what is left is O(H) per step.
/// </summary>
internal static class GateEmitter
{
    public static void EmitGruForward(CodeWriter w)
    {
        w.Line("/// <summary>");
        w.Line("/// GRU gates, forward, as torch.nn.GRU. With gi = W_ih x + b_ih (in <paramref name=\"gates\"/> on entry) and");
        w.Line("/// gh = W_hh h + b_hh, both in gate order (r, z, n):");
        w.Line("///   r = σ(gi_r + gh_r),  z = σ(gi_z + gh_z),  n = tanh(gi_n + r ⊙ gh_n),  h' = (1 − z) ⊙ n + z ⊙ h.");
        w.Line("/// Leaves r, z, n in <paramref name=\"gates\"/> and gh_n in <paramref name=\"hiddenN\"/> for the backward pass. One pass over");
        w.Line("/// the hidden units (<c>StaticSeq2Seq.Numerics.GruGates</c>), h' as n + z ⊙ (h − n).");
        w.Line("/// </summary>");
        using (w.Block("private static void GruGatesForward(Span<float> gates, ReadOnlySpan<float> gatesHh, ReadOnlySpan<float> h, Span<float> hiddenN, Span<float> hNext)"))
        {
            w.Line("global::StaticSeq2Seq.Numerics.GruGates.Forward(gates, gatesHh, h.Slice(0, HiddenSize), hiddenN, hNext);");
        }
    }

    public static void EmitGruBackward(CodeWriter w)
    {
        w.Line("/// <summary>");
        w.Line("/// GRU gates, backward. From dh' and the forward pass's r, z, n and gh_n, with a_* the pre-activations:");
        w.Line("///   dn = dh' ⊙ (1 − z),  dz = dh' ⊙ (h − n),  da_n = dn ⊙ (1 − n²),  dr = da_n ⊙ gh_n,");
        w.Line("///   da_r = dr ⊙ r(1 − r),  da_z = dz ⊙ z(1 − z);");
        w.Line("///   dgi = (da_r, da_z, da_n),  dgh = (da_r, da_z, da_n ⊙ r),  dh = dh' ⊙ z (the direct path; the caller adds W_hh^T dgh).");
        w.Line("/// </summary>");
        using (w.Block("private static void GruGatesBackward(ReadOnlySpan<float> dhNext, ReadOnlySpan<float> gates, ReadOnlySpan<float> hiddenN, ReadOnlySpan<float> h, Span<float> dGatesIh, Span<float> dGatesHh, Span<float> dhPrevious)"))
        {
            w.Line("ref float dOuts = ref MemoryMarshal.GetReference(dhNext.Slice(0, HiddenSize));");
            w.Line("ref float rs = ref MemoryMarshal.GetReference(gates.Slice(0, HiddenSize));");
            w.Line("ref float zs = ref MemoryMarshal.GetReference(gates.Slice(HiddenSize, HiddenSize));");
            w.Line("ref float ns = ref MemoryMarshal.GetReference(gates.Slice(2 * HiddenSize, HiddenSize));");
            w.Line("ref float hiddenNs = ref MemoryMarshal.GetReference(hiddenN.Slice(0, HiddenSize));");
            w.Line("ref float hs = ref MemoryMarshal.GetReference(h.Slice(0, HiddenSize));");
            w.Line("ref float dIhR = ref MemoryMarshal.GetReference(dGatesIh.Slice(0, HiddenSize));");
            w.Line("ref float dIhZ = ref MemoryMarshal.GetReference(dGatesIh.Slice(HiddenSize, HiddenSize));");
            w.Line("ref float dIhN = ref MemoryMarshal.GetReference(dGatesIh.Slice(2 * HiddenSize, HiddenSize));");
            w.Line("ref float dHhR = ref MemoryMarshal.GetReference(dGatesHh.Slice(0, HiddenSize));");
            w.Line("ref float dHhZ = ref MemoryMarshal.GetReference(dGatesHh.Slice(HiddenSize, HiddenSize));");
            w.Line("ref float dHhN = ref MemoryMarshal.GetReference(dGatesHh.Slice(2 * HiddenSize, HiddenSize));");
            w.Line("ref float dhPreviousValues = ref MemoryMarshal.GetReference(dhPrevious.Slice(0, HiddenSize));");
            w.Line("// The vector lanes do the scalar loop's operations in its order, with no fused multiply-adds: every width gives the same bits.");
            w.Line("nuint k = 0;");
            foreach (var width in VectorWidth.All)
            {
                using (w.Block($"if ({width.Type}.IsHardwareAccelerated)"))
                {
                    using (w.Block($"for (; k + {width.Floats} <= HiddenSize; k += {width.Floats})"))
                    {
                        EmitGruBackwardLanes(w, width.Of, $"{width.Of}.One", source => $"{width.Type}.LoadUnsafe(ref {source}, k)", (target, value) => $"{(value.Contains(" ") ? $"({value})" : value)}.StoreUnsafe(ref {target}, k);");
                    }
                }
            }
            using (w.Block("for (; k < HiddenSize; k++)"))
            {
                EmitGruBackwardLanes(w, "float", "1f", source => $"Unsafe.Add(ref {source}, k)", (target, value) => $"Unsafe.Add(ref {target}, k) = {value};");
            }
        }
    }

    /// <summary>
    /// The GRU backward's formulas for one lane group at k, written once for a vector width and for the scalar tail:
    /// <paramref name="type"/> and <paramref name="one"/> name the value type and its 1, <paramref name="load"/> reads a
    /// group from a reference, <paramref name="store"/> writes one.
    /// </summary>
    private static void EmitGruBackwardLanes(CodeWriter w, string type, string one, System.Func<string, string> load, System.Func<string, string, string> store)
    {
        w.Line($"{type} r = {load("rs")}, z = {load("zs")}, n = {load("ns")};");
        w.Line($"{type} dOut = {load("dOuts")}; // dh'");
        w.Line($"{type} dn = dOut * ({one} - z);");
        w.Line($"{type} dz = dOut * ({load("hs")} - n);");
        w.Line($"{type} dAn = dn * ({one} - n * n);");
        w.Line($"{type} dAr = dAn * {load("hiddenNs")} * r * ({one} - r);");
        w.Line($"{type} dAz = dz * z * ({one} - z);");
        w.Line(store("dIhR", "dAr"));
        w.Line(store("dIhZ", "dAz"));
        w.Line(store("dIhN", "dAn"));
        w.Line(store("dHhR", "dAr"));
        w.Line(store("dHhZ", "dAz"));
        w.Line(store("dHhN", "dAn * r"));
        w.Line(store("dhPreviousValues", "dOut * z"));
    }

    public static void EmitLstmForward(CodeWriter w)
    {
        w.Line("/// <summary>");
        w.Line("/// LSTM gates, forward, as torch.nn.LSTM. With gi = W_ih x + b_ih (in <paramref name=\"gates\"/> on entry) and");
        w.Line("/// gh = W_hh h + b_hh, both in gate order (i, f, g, o):");
        w.Line("///   i = σ(gi_i + gh_i),  f = σ(gi_f + gh_f),  g = tanh(gi_g + gh_g),  o = σ(gi_o + gh_o),");
        w.Line("///   c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c').");
        w.Line("/// Leaves i, f, g, o in <paramref name=\"gates\"/> for the backward pass. One pass over the hidden units");
        w.Line("/// (<c>StaticSeq2Seq.Numerics.LstmGates</c>).");
        w.Line("/// </summary>");
        using (w.Block("private static void LstmGatesForward(Span<float> gates, ReadOnlySpan<float> gatesHh, ReadOnlySpan<float> c, Span<float> cNext, Span<float> hNext)"))
        {
            w.Line("global::StaticSeq2Seq.Numerics.LstmGates.Forward(gates, gatesHh, c.Slice(0, HiddenSize), cNext, hNext);");
        }
    }

    public static void EmitLstmBackward(CodeWriter w)
    {
        w.Line("/// <summary>");
        w.Line("/// LSTM gates, backward. From dh' and dc' (the carry from the next step) and the forward pass's i, f, g, o, c and c',");
        w.Line("/// with a_* the pre-activations:");
        w.Line("///   dc = dc' + dh' ⊙ o ⊙ (1 − tanh²(c')),  da_i = dc ⊙ g ⊙ i(1 − i),  da_f = dc ⊙ c ⊙ f(1 − f),");
        w.Line("///   da_g = dc ⊙ i ⊙ (1 − g²),  da_o = dh' ⊙ tanh(c') ⊙ o(1 − o);");
        w.Line("///   dgi = dgh = (da_i, da_f, da_g, da_o),  dL/dc of the previous step = dc ⊙ f.");
        w.Line("/// h reaches the gates only through W_hh, so dL/dh of the previous step is W_hh^T dgh, which the caller adds.");
        w.Line("/// </summary>");
        using (w.Block("private static void LstmGatesBackward(ReadOnlySpan<float> dhNext, ReadOnlySpan<float> dcNext, ReadOnlySpan<float> gates, ReadOnlySpan<float> c, ReadOnlySpan<float> cNext, Span<float> dGates, Span<float> dcPrevious)"))
        {
            using (w.Block("for (int k = 0; k < HiddenSize; k++)"))
            {
                w.Line("float i = gates[k], f = gates[HiddenSize + k], g = gates[2 * HiddenSize + k], o = gates[3 * HiddenSize + k];");
                w.Line("float tanhC = global::StaticSeq2Seq.Numerics.Activations.Tanh(cNext[k]);");
                w.Line("float dOut = dhNext[k]; // dh'");
                w.Line("float dc = dcNext[k] + dOut * o * (1f - tanhC * tanhC);");
                w.Line("dGates[k] = dc * g * i * (1f - i);");
                w.Line("dGates[HiddenSize + k] = dc * c[k] * f * (1f - f);");
                w.Line("dGates[2 * HiddenSize + k] = dc * i * (1f - g * g);");
                w.Line("dGates[3 * HiddenSize + k] = dOut * tanhC * o * (1f - o);");
                w.Line("dcPrevious[k] = dc * f;");
            }
        }
    }

    public static void EmitRnnForward(CodeWriter w)
    {
        w.Line("/// <summary>RNN, forward, as torch.nn.RNN with tanh: h' = tanh(gi + gh), gi = W_ih x + b_ih in <paramref name=\"hNext\"/> on entry.</summary>");
        using (w.Block("private static void RnnForward(ReadOnlySpan<float> gatesHh, Span<float> hNext)"))
        {
            w.Line("global::StaticSeq2Seq.Numerics.Activations.TanhOfSum(hNext, gatesHh, hNext);");
        }
    }

    public static void EmitRnnBackward(CodeWriter w)
    {
        w.Line("/// <summary>RNN, backward: da = dh' ⊙ (1 − h'²), the gradient of both pre-activations.</summary>");
        using (w.Block("private static void RnnBackward(ReadOnlySpan<float> dhNext, ReadOnlySpan<float> hNext, Span<float> dPre)"))
        {
            using (w.Block("for (int k = 0; k < HiddenSize; k++)"))
            {
                w.Line("dPre[k] = dhNext[k] * (1f - hNext[k] * hNext[k]);");
            }
        }
    }
}
