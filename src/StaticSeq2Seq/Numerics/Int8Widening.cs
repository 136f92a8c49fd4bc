using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticSeq2Seq.Numerics;

/// <summary>
/// Loads consecutive int8 weights and widens them, exactly, to a vector of floats: what the int8 dense kernels of
/// <see cref="DecodeWeightFormat.Int8"/> decoding run per vector of outputs before the multiply-add. Each width loads
/// only the bytes it widens. On x64 the sign extension reads memory directly (<c>vpmovsxbd</c>); elsewhere the portable
/// widening does the same in two steps.
/// </summary>
public static class Int8Widening
{
    /// <summary>The 16 int8 values from <paramref name="source"/> on, as floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ToVector512(ref sbyte source)
    {
        Vector128<sbyte> bytes = Vector128.LoadUnsafe(ref source);
        if (Avx512F.IsSupported)
        {
            return Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(bytes));
        }
        return Vector512.ConvertToSingle(Vector512.WidenLower(Vector512.WidenLower(bytes.ToVector256Unsafe().ToVector512Unsafe())));
    }

    /// <summary>The 8 int8 values from <paramref name="source"/> on, as floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ToVector256(ref sbyte source)
    {
        Vector128<sbyte> bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref source))).AsSByte();
        if (Avx2.IsSupported)
        {
            return Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(bytes));
        }
        return Vector256.ConvertToSingle(Vector256.WidenLower(Vector256.WidenLower(bytes.ToVector256Unsafe())));
    }

    /// <summary>The 4 int8 values from <paramref name="source"/> on, as floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ToVector128(ref sbyte source)
    {
        Vector128<sbyte> bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref source))).AsSByte();
        return Vector128.ConvertToSingle(Vector128.WidenLower(Vector128.WidenLower(bytes)));
    }
}
