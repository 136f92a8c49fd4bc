using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;

namespace StaticSeq2Seq.Checkpoints;

/// <summary>One tensor's entry in a safetensors header: its name, shape and byte range in the data section.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="Shape">Its dimensions, each at least 0.</param>
/// <param name="Begin">Its first byte, counted from the start of the data section.</param>
/// <param name="End">One past its last byte.</param>
internal sealed record SafetensorsTensor(string Name, int[] Shape, long Begin, long End)
{
    /// <summary>The number of floats: the product of the dimensions, which the reader has checked against the byte range.</summary>
    public int ElementCount => (int)((End - Begin) / sizeof(float));

    /// <summary>The shape as PyTorch prints it, such as <c>[13, 7]</c>.</summary>
    public string ShapeText => Safetensors.FormatShape(Shape);
}

/// <summary>
/// The safetensors container: an 8-byte little-endian header length N, N bytes of UTF-8 JSON naming every tensor's
/// dtype, shape and byte range (plus a <c>__metadata__</c> object of strings), then the tensors' raw bytes.
/// The reader checks everything about the container before any tensor is read.
/// </summary>
internal static class Safetensors
{
    /// <summary>The key of the string-to-string metadata object in the header.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The only dtype this library reads and writes: little-endian IEEE 754 single precision.</summary>
    public const string Float32 = "F32";

    /// <summary>The largest header the reader accepts, as the safetensors library does: 100 MiB.</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    private const int LengthPrefixBytes = sizeof(ulong);

    /// <summary>The parsed and checked header of a safetensors file.</summary>
    /// <param name="Tensors">The tensors in header order.</param>
    /// <param name="Metadata">The <c>__metadata__</c> entries; empty when the header has none.</param>
    /// <param name="DataStart">The file offset of the data section.</param>
    public sealed record Header(IReadOnlyList<SafetensorsTensor> Tensors, IReadOnlyDictionary<string, string> Metadata, long DataStart);

    /// <summary>
    /// Reads and checks the header of <paramref name="file"/>: its length against the file's, the JSON, every entry's
    /// dtype, shape and byte range, and that the ranges are disjoint and cover the data section exactly.
    /// </summary>
    /// <exception cref="CheckpointFormatException">Anything about the container is wrong; the message names the tensor or field.</exception>
    public static Header ReadHeader(SafeFileHandle file, string path)
    {
        var fileLength = RandomAccess.GetLength(file);
        if (fileLength < LengthPrefixBytes)
        {
            throw Format(path, $"the file is {fileLength} bytes long, shorter than the {LengthPrefixBytes}-byte header length a safetensors file starts with. It is truncated or is not a checkpoint.");
        }
        Span<byte> prefix = stackalloc byte[LengthPrefixBytes];
        ReadExactly(file, prefix, 0, path, "the header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
        {
            throw Format(path, $"the header length is {headerLength} bytes, more than the {MaxHeaderBytes} bytes (100 MiB) allowed. The file is damaged or is not a safetensors file.");
        }
        if ((long)headerLength > fileLength - LengthPrefixBytes)
        {
            throw Format(path, $"the header length is {headerLength} bytes but only {fileLength - LengthPrefixBytes} bytes follow it. The file is truncated or is not a safetensors file.");
        }

        // Bounded by both the limit and the file's real length, so a forged length cannot make this allocate much.
        var json = new byte[(int)headerLength];
        ReadExactly(file, json, LengthPrefixBytes, path, "the header");
        var dataStart = LengthPrefixBytes + (long)headerLength;
        var dataLength = fileLength - dataStart;

        // The JSON reader checks the UTF-8 of a string only when the string is read, and then throws InvalidOperationException.
        if (!Utf8.IsValid(json))
        {
            throw Format(path, $"the {headerLength}-byte header is not valid UTF-8 text. The file is damaged or is not a safetensors file.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw Format(path, $"the {headerLength}-byte header is not valid UTF-8 JSON ({error.Message}). The file is damaged or is not a safetensors file.", error);
        }
        using (document)
        {
            return ReadEntries(document, dataLength, dataStart, path);
        }
    }

    // Reading a name or string whose escapes make no valid text (a lone surrogate such as \ud800) throws InvalidOperationException.
    private static Header ReadEntries(JsonDocument document, long dataLength, long dataStart, string path)
    {
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw Format(path, $"the header is a JSON {Describe(document.RootElement.ValueKind)}, not the object of tensors a safetensors header is.");
        }
        var tensors = new List<SafetensorsTensor>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyDictionary<string, string>? metadata = null;
        try
        {
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw Format(path, $"the header names '{property.Name}' twice; every tensor needs exactly one entry.");
                }
                if (property.Name == MetadataKey)
                {
                    metadata = ReadMetadata(property.Value, path);
                }
                else
                {
                    tensors.Add(ReadEntry(property.Name, property.Value, dataLength, path));
                }
            }
        }
        catch (InvalidOperationException error)
        {
            throw Format(path, $"the header holds a name or string that is not valid text ({error.Message}), such as an escaped lone surrogate. The file is damaged.", error);
        }
        CheckCoverage(tensors, dataLength, path);
        return new Header(tensors, metadata ?? new Dictionary<string, string>(), dataStart);
    }

    /// <summary>Reads a tensor's floats, in the file's order, into <paramref name="destination"/>.</summary>
    /// <exception cref="CheckpointFormatException">The file ended early (it changed after its header was read).</exception>
    public static void ReadTensor(SafeFileHandle file, Header header, SafetensorsTensor tensor, Span<float> destination, string path)
    {
        var bytes = MemoryMarshal.AsBytes(destination[..tensor.ElementCount]);
        ReadExactly(file, bytes, header.DataStart + tensor.Begin, path, $"tensor '{tensor.Name}'");
        if (!BitConverter.IsLittleEndian)
        {
            var words = MemoryMarshal.Cast<float, uint>(destination[..tensor.ElementCount]);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }

    /// <summary>
    /// The bytes that start a safetensors file holding <paramref name="tensors"/> (F32, one after another in the
    /// order given) and <paramref name="metadata"/>: the length prefix and the JSON header, padded with spaces to
    /// a multiple of 8 bytes so that the data section is aligned, as the safetensors library writes it.
    /// </summary>
    public static byte[] WriteHeader(IReadOnlyList<(string Name, IReadOnlyList<int> Shape)> tensors, IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(MetadataKey);
            foreach (var (key, value) in metadata)
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
            long offset = 0;
            foreach (var (name, shape) in tensors)
            {
                long count = 1;
                writer.WriteStartObject(name);
                writer.WriteString("dtype", Float32);
                writer.WriteStartArray("shape");
                foreach (var dimension in shape)
                {
                    writer.WriteNumberValue(dimension);
                    count *= dimension;
                }
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                offset += count * sizeof(float);
                writer.WriteNumberValue(offset);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        var padded = (buffer.WrittenCount + 7) / 8 * 8;
        var bytes = new byte[LengthPrefixBytes + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        buffer.WrittenSpan.CopyTo(bytes.AsSpan(LengthPrefixBytes));
        bytes.AsSpan(LengthPrefixBytes + buffer.WrittenCount).Fill((byte)' ');
        return bytes;
    }

    /// <summary>Writes <paramref name="values"/> as little-endian F32 bytes.</summary>
    public static void WriteFloats(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        Span<byte> word = stackalloc byte[sizeof(float)];
        foreach (var value in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(word, value);
            stream.Write(word);
        }
    }

    /// <summary>A shape as PyTorch prints it, such as <c>[13, 7]</c>.</summary>
    public static string FormatShape(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    private static Dictionary<string, string> ReadMetadata(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Format(path, $"the header's {MetadataKey} is a JSON {Describe(element.ValueKind)}; safetensors requires an object of strings.");
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw Format(path, $"metadata entry '{entry.Name}' is a JSON {Describe(entry.Value.ValueKind)}; safetensors metadata values must be strings.");
            }
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw Format(path, $"metadata entry '{entry.Name}' appears twice.");
            }
        }
        return metadata;
    }

    private static SafetensorsTensor ReadEntry(string name, JsonElement entry, long dataLength, string path)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw Format(path, $"the entry of tensor '{name}' is a JSON {Describe(entry.ValueKind)}, not an object with dtype, shape and data_offsets.");
        }
        string? dtype = null;
        int[]? shape = null;
        long[]? offsets = null;
        foreach (var field in entry.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtype is null:
                    dtype = field.Value.ValueKind == JsonValueKind.String
                        ? field.Value.GetString()!
                        : throw Format(path, $"tensor '{name}' has a dtype that is a JSON {Describe(field.Value.ValueKind)}, not a string such as \"F32\".");
                    break;
                case "shape" when shape is null:
                    shape = ReadShape(name, field.Value, path);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadOffsets(name, field.Value, path);
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw Format(path, $"tensor '{name}' gives its {field.Name} twice.");
                default:
                    throw Format(path, $"tensor '{name}' has an unexpected field '{field.Name}'; a safetensors entry holds dtype, shape and data_offsets only.");
            }
        }
        if (dtype is null || shape is null || offsets is null)
        {
            var missing = dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw Format(path, $"tensor '{name}' has no {missing}; a safetensors entry holds dtype, shape and data_offsets.");
        }
        if (dtype != Float32)
        {
            throw Format(path, $"tensor '{name}' has dtype {dtype}; this library reads {Float32} (float32) only. Convert the tensors to float32 before saving, as with tensor.float() in PyTorch.");
        }

        long begin = offsets[0], end = offsets[1];
        if (begin > end)
        {
            throw Format(path, $"tensor '{name}' has data_offsets [{begin}, {end}], which end before they begin.");
        }
        if (end > dataLength)
        {
            throw Format(path, $"tensor '{name}' has data_offsets [{begin}, {end}], past the end of the {dataLength}-byte data section. The file is truncated or damaged.");
        }
        // The product is built only while its byte count fits a long, so a huge claimed shape cannot overflow.
        var byteLength = end - begin;
        var elements = ElementCount(shape, long.MaxValue / sizeof(float));
        if (elements is null || elements * sizeof(float) != byteLength)
        {
            var needs = elements is null ? $"more than {long.MaxValue} bytes" : $"{elements} floats, {elements * sizeof(float)} bytes";
            throw Format(path, $"tensor '{name}' has shape {FormatShape(shape)}, which needs {needs} in {Float32}, but its data_offsets [{begin}, {end}] span {byteLength} bytes. The header is damaged.");
        }
        if (elements > int.MaxValue)
        {
            throw Format(path, $"tensor '{name}' has shape {FormatShape(shape)}, {elements} floats, more than the {int.MaxValue} a parameter buffer holds.");
        }
        return new SafetensorsTensor(name, shape, begin, end);
    }

    // The product of the dimensions, or null when it exceeds maxElements.
    private static long? ElementCount(int[] shape, long maxElements)
    {
        if (Array.IndexOf(shape, 0) >= 0)
        {
            return 0;
        }
        long elements = 1;
        foreach (var dimension in shape)
        {
            if (elements > maxElements / dimension)
            {
                return null;
            }
            elements *= dimension;
        }
        return elements;
    }

    private static int[] ReadShape(string name, JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Format(path, $"tensor '{name}' has a shape that is a JSON {Describe(element.ValueKind)}, not an array of dimensions.");
        }
        var shape = new int[element.GetArrayLength()];
        var i = 0;
        foreach (var dimension in element.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt32(out var value) || value < 0)
            {
                throw Format(path, $"tensor '{name}' has shape dimension {i} of {dimension.GetRawText()}; a dimension is a whole number from 0 to {int.MaxValue}.");
            }
            shape[i++] = value;
        }
        return shape;
    }

    private static long[] ReadOffsets(string name, JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != 2)
        {
            throw Format(path, $"tensor '{name}' has data_offsets {element.GetRawText()}; they must be an array of two byte offsets, [begin, end].");
        }
        var offsets = new long[2];
        var i = 0;
        foreach (var offset in element.EnumerateArray())
        {
            if (offset.ValueKind != JsonValueKind.Number || !offset.TryGetInt64(out var value) || value < 0)
            {
                throw Format(path, $"tensor '{name}' has data_offsets {element.GetRawText()}; an offset is a whole number of bytes of at least 0.");
            }
            offsets[i++] = value;
        }
        return offsets;
    }

    // Sorted by position, the ranges must follow one another from 0 to the end of the data, without gap or overlap.
    private static void CheckCoverage(List<SafetensorsTensor> tensors, long dataLength, string path)
    {
        var byPosition = tensors.ToArray();
        Array.Sort(byPosition, static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long covered = 0;
        SafetensorsTensor? previous = null;
        foreach (var tensor in byPosition)
        {
            if (tensor.Begin < covered)
            {
                throw Format(path, $"tensor '{tensor.Name}' (bytes {tensor.Begin} to {tensor.End}) overlaps tensor '{previous!.Name}' (bytes {previous.Begin} to {previous.End}). The header is damaged.");
            }
            if (tensor.Begin > covered)
            {
                throw Format(path, $"bytes {covered} to {tensor.Begin} of the data section belong to no tensor (the next is '{tensor.Name}'). The header is damaged.");
            }
            covered = tensor.End;
            previous = tensor;
        }
        if (covered != dataLength)
        {
            throw Format(path, $"the tensors cover {covered} bytes but the data section holds {dataLength}; the last {dataLength - covered} bytes belong to no tensor. The file is damaged.");
        }
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> destination, long offset, string path, string what)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(file, destination, offset);
            if (read == 0)
            {
                throw Format(path, $"the file ended at byte {offset} while reading {what}. It is truncated, or changed while it was read.");
            }
            destination = destination[read..];
            offset += read;
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static CheckpointFormatException Format(string path, string message, Exception? inner = null) => new(path, message, inner);
}
