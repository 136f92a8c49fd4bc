using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StaticSeq2Seq.Tests.Checkpoints.Fuzzing;

/// <summary>
/// Damages a valid safetensors checkpoint in one of the ways files go bad or are forged: flipped bits, changed,
/// cut or appended bytes, a forged header length, tensor entries with overlapping, out-of-range, gapped or huge
/// offsets, other dtypes, other or huge shapes, metadata values of the wrong type or range, and malformed or
/// deeply nested JSON. Every choice comes from the <see cref="Random"/> it is given, so a case is replayed from its seed.
/// </summary>
internal static class CheckpointMutator
{
    private const int PrefixBytes = 8;

    /// <summary>The mutation kinds, by name, so that a finding says which one made the file.</summary>
    public static readonly string[] Kinds =
    [
        "bit flips", "byte changes", "truncation", "appended bytes", "header length", "data offsets", "dtype", "shape",
        "metadata value", "metadata entry", "header text", "deep nesting", "escaped names", "tensor entries",
    ];

    /// <summary>A damaged copy of <paramref name="valid"/> made by mutation <paramref name="kind"/> (an index into <see cref="Kinds"/>).</summary>
    public static byte[] Mutate(byte[] valid, int kind, Random random) => kind switch
    {
        0 => FlipBits(valid, random),
        1 => ChangeBytes(valid, random),
        2 => valid[..random.Next(valid.Length)],
        3 => [.. valid, .. RandomBytes(random, 1 + random.Next(64))],
        4 => ForgeHeaderLength(valid, random),
        5 => EditHeader(valid, random, MutateOffsets),
        6 => EditHeader(valid, random, MutateDtype),
        7 => EditHeader(valid, random, MutateShape),
        8 => EditHeader(valid, random, MutateMetadataValue),
        9 => EditHeader(valid, random, MutateMetadataEntry),
        10 => EditHeaderText(valid, random),
        11 => DeepNesting(valid, random),
        12 => EscapedNames(valid, random),
        _ => EditHeader(valid, random, MutateEntries),
    };

    private static byte[] FlipBits(byte[] valid, Random random)
    {
        var bytes = (byte[])valid.Clone();
        // Mostly within the header, where the structure is; sometimes anywhere.
        var span = random.Next(4) == 0 ? bytes.Length : HeaderEnd(bytes);
        for (var i = 1 + random.Next(8); i > 0; i--)
        {
            bytes[random.Next(span)] ^= (byte)(1 << random.Next(8));
        }
        return bytes;
    }

    private static readonly byte[] InterestingBytes = [0, 0xFF, 0x7F, 0x80, (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',',
        (byte)':', (byte)'-', (byte)'9', (byte)'0', (byte)'e', (byte)'\\', (byte)' ', 0xC3, 0xED, 0xF4];

    private static byte[] ChangeBytes(byte[] valid, Random random)
    {
        var bytes = (byte[])valid.Clone();
        var span = random.Next(4) == 0 ? bytes.Length : HeaderEnd(bytes);
        for (var i = 1 + random.Next(6); i > 0; i--)
        {
            bytes[random.Next(span)] = random.Next(2) == 0 ? InterestingBytes[random.Next(InterestingBytes.Length)] : (byte)random.Next(256);
        }
        return bytes;
    }

    private static byte[] ForgeHeaderLength(byte[] valid, Random random)
    {
        var bytes = (byte[])valid.Clone();
        var real = (ulong)HeaderLength(valid);
        ulong[] forged =
        [
            ulong.MaxValue, long.MaxValue, 1UL << 63, unchecked((ulong)-8L), unchecked((ulong)-(long)real), int.MaxValue, uint.MaxValue,
            100UL * 1024 * 1024, 100UL * 1024 * 1024 + 1, 0, 1, 2, real - 1, real + 1, real + 8, real - 8, (ulong)bytes.Length, (ulong)bytes.Length - 8,
            (ulong)random.NextInt64(),
        ];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, forged[random.Next(forged.Length)]);
        return bytes;
    }

    // Parses the header, lets edit change it, and writes it back with a correct length prefix (or, sometimes, the old one).
    private static byte[] EditHeader(byte[] valid, Random random, Action<JsonObject, Random> edit)
    {
        var length = HeaderLength(valid);
        var header = JsonNode.Parse(valid.AsSpan(PrefixBytes, length))!.AsObject();
        edit(header, random);
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var data = valid.AsSpan(PrefixBytes + length);
        var bytes = new byte[PrefixBytes + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, random.Next(16) == 0 ? (ulong)length : (ulong)json.Length);
        json.CopyTo(bytes, PrefixBytes);
        data.CopyTo(bytes.AsSpan(PrefixBytes + json.Length));
        return bytes;
    }

    private static JsonNode? AnyValue(Random random, JsonNode? near) => random.Next(14) switch
    {
        0 => null,
        1 => JsonValue.Create(true),
        2 => JsonValue.Create("F32"),
        3 => JsonValue.Create(""),
        4 => JsonValue.Create(-1),
        5 => JsonValue.Create(long.MaxValue),
        6 => JsonValue.Create(long.MinValue),
        7 => JsonValue.Create(1.5),
        8 => JsonValue.Create(1e300),
        9 => new JsonArray(),
        10 => new JsonObject(),
        11 => JsonNode.Parse("18446744073709551616"),
        12 => JsonValue.Create(int.MaxValue),
        _ => near is null ? JsonValue.Create(0) : JsonValue.Create(near.ToJsonString()),
    };

    private static List<string> TensorNames(JsonObject header) =>
        header.Select(entry => entry.Key).Where(name => name != "__metadata__").ToList();

    private static JsonObject? AnyTensor(JsonObject header, Random random)
    {
        var names = TensorNames(header);
        return names.Count == 0 ? null : header[names[random.Next(names.Count)]] as JsonObject;
    }

    private static void MutateOffsets(JsonObject header, Random random)
    {
        var names = TensorNames(header);
        var tensor = header[names[random.Next(names.Count)]]!.AsObject();
        var other = header[names[random.Next(names.Count)]]!.AsObject();
        var offsets = tensor["data_offsets"]!.AsArray();
        var begin = offsets[0]!.GetValue<long>();
        var end = offsets[1]!.GetValue<long>();
        var otherOffsets = other["data_offsets"]!.AsArray();
        JsonNode replacement = random.Next(13) switch
        {
            0 => new JsonArray(otherOffsets[0]!.GetValue<long>(), otherOffsets[1]!.GetValue<long>()),   // overlapping (or identical) ranges
            1 => new JsonArray(begin + 4, end),                                                         // a gap before
            2 => new JsonArray(begin, end - 4),                                                         // a gap after
            3 => new JsonArray(end, begin),                                                             // reversed
            4 => new JsonArray(begin, end + 1_000_000_000_000L),                                        // out of range
            5 => new JsonArray(-4, end),                                                                // negative
            6 => new JsonArray(long.MaxValue - 3, long.MaxValue),                                       // huge
            7 => new JsonArray(begin),                                                                  // too few
            8 => new JsonArray(begin, end, end),                                                        // too many
            9 => new JsonArray(begin + 0.5, end),                                                       // not whole
            10 => JsonNode.Parse($"[{begin}, 18446744073709551620]")!,                                  // beyond long
            11 => new JsonArray(begin + 1, end + 1),                                                    // misaligned
            _ => AnyValue(random, offsets) ?? JsonValue.Create(0),
        };
        tensor["data_offsets"] = replacement;
    }

    private static void MutateDtype(JsonObject header, Random random)
    {
        string[] dtypes = ["F16", "BF16", "F64", "I32", "I64", "U8", "BOOL", "f32", "F32 ", "", "F8_E4M3"];
        var tensor = AnyTensor(header, random)!;
        tensor["dtype"] = random.Next(5) == 0 ? AnyValue(random, tensor["dtype"]) : JsonValue.Create(dtypes[random.Next(dtypes.Length)]);
    }

    private static void MutateShape(JsonObject header, Random random)
    {
        var tensor = AnyTensor(header, random)!;
        var shape = tensor["shape"]!.AsArray().Select(node => node!.GetValue<long>()).ToList();
        switch (random.Next(10))
        {
            case 0 when shape.Count > 1:
                (shape[0], shape[^1]) = (shape[^1], shape[0]);
                break;
            case 1:
                shape.Add(1 + random.Next(3));
                break;
            case 2 when shape.Count > 0:
                shape.RemoveAt(random.Next(shape.Count));
                break;
            case 3:
                shape = [int.MaxValue, int.MaxValue, int.MaxValue];
                break;
            case 4:
                shape = [.. shape.Select(_ => (long)int.MaxValue)];
                break;
            case 5 when shape.Count > 0:
                shape[random.Next(shape.Count)] = -1;
                break;
            case 6 when shape.Count > 0:
                shape[random.Next(shape.Count)] = 0;
                break;
            case 7 when shape.Count > 0:
                shape[random.Next(shape.Count)] = (long)int.MaxValue + 1;
                break;
            case 8:
                tensor["shape"] = AnyValue(random, tensor["shape"]);
                return;
            default:
                if (shape.Count > 0)
                {
                    shape[random.Next(shape.Count)] += random.Next(2) == 0 ? 1 : -1;
                }
                break;
        }
        tensor["shape"] = new JsonArray([.. shape.Select(d => (JsonNode)JsonValue.Create(d))]);
    }

    // A value inside one of the metadata entries, most of which are JSON text inside a JSON string.
    private static void MutateMetadataValue(JsonObject header, Random random)
    {
        if (header["__metadata__"] is not JsonObject metadata || metadata.Count == 0)
        {
            MutateOffsets(header, random);
            return;
        }
        var key = metadata.ElementAt(random.Next(metadata.Count)).Key;
        var text = metadata[key]!.GetValue<string>();
        JsonNode? inner;
        try
        {
            inner = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            inner = null;
        }
        switch (inner)
        {
            case JsonObject fields when fields.Count > 0:
                var field = fields.ElementAt(random.Next(fields.Count)).Key;
                if (random.Next(6) == 0)
                {
                    fields.Remove(field);
                }
                else
                {
                    fields[field] = AnyValue(random, fields[field]);
                }
                metadata[key] = fields.ToJsonString();
                break;
            case JsonArray tokens when tokens.Count > 0:
                var i = random.Next(tokens.Count);
                tokens[i] = random.Next(3) switch
                {
                    0 => AnyValue(random, tokens[i]),
                    1 => JsonValue.Create(tokens[random.Next(tokens.Count)]!.GetValue<string>()),   // a duplicate token
                    _ => JsonValue.Create("a b"),
                };
                metadata[key] = tokens.ToJsonString();
                break;
            default:
                string[] versions = ["0", "2", "-1", "1.0", "01", " 1", "99999999999", "", "abc"];
                metadata[key] = random.Next(3) == 0 ? versions[random.Next(versions.Length)] : text + (char)random.Next(32, 127);
                break;
        }
    }

    private static void MutateMetadataEntry(JsonObject header, Random random)
    {
        var metadata = header["__metadata__"] as JsonObject;
        switch (random.Next(6))
        {
            case 0 when metadata is { Count: > 0 }:
                metadata.Remove(metadata.ElementAt(random.Next(metadata.Count)).Key);
                break;
            case 1 when metadata is { Count: > 0 }:
                metadata[metadata.ElementAt(random.Next(metadata.Count)).Key] = AnyValue(random, null);
                break;
            case 2:
                header["__metadata__"] = AnyValue(random, metadata);
                break;
            case 3 when metadata is not null:
                metadata["staticseq2seq.trainer"] = "{}";
                break;
            case 4 when metadata is { Count: > 0 }:
                metadata[metadata.ElementAt(random.Next(metadata.Count)).Key] = "[" + new string('[', 200) + new string(']', 200) + "]";
                break;
            default:
                header.Remove("__metadata__");
                break;
        }
    }

    private static void MutateEntries(JsonObject header, Random random)
    {
        var names = TensorNames(header);
        var name = names[random.Next(names.Count)];
        switch (random.Next(5))
        {
            case 0:
                header.Remove(name);
                break;
            case 1:
                header[name + "x"] = header[name]!.DeepClone();
                break;
            case 2:
                header[name] = AnyValue(random, header[name]);
                break;
            case 3:
                header[name]!.AsObject()["extra"] = 1;
                break;
            default:
                header[name]!.AsObject().Remove(random.Next(3) switch { 0 => "dtype", 1 => "shape", _ => "data_offsets" });
                break;
        }
    }

    private const string HeaderTextCharacters = "{}[]\",:-e0\\ \u0000\uffff";

    private static byte[] EditHeaderText(byte[] valid, Random random)
    {
        var length = HeaderLength(valid);
        var text = new StringBuilder(Encoding.UTF8.GetString(valid, PrefixBytes, length));
        for (var i = 1 + random.Next(3); i > 0; i--)
        {
            var at = random.Next(text.Length);
            switch (random.Next(3))
            {
                case 0:
                    text.Remove(at, 1);
                    break;
                case 1:
                    text.Insert(at, HeaderTextCharacters[random.Next(HeaderTextCharacters.Length)]);
                    break;
                default:
                    text.Length = at;
                    break;
            }
        }
        return Assemble(Encoding.UTF8.GetBytes(text.ToString()), valid.AsSpan(PrefixBytes + length));
    }

    // Nesting far deeper than any reader should follow, in the header itself or inside a value.
    private static byte[] DeepNesting(byte[] valid, Random random)
    {
        var depth = random.Next(3) switch { 0 => 65, 1 => 1_000, _ => 20_000 };
        var open = random.Next(2) == 0 ? '[' : '{';
        var nested = open == '[' ? new string('[', depth) + new string(']', depth) : DeepObject(depth);
        var length = HeaderLength(valid);
        var header = Encoding.UTF8.GetString(valid, PrefixBytes, length).TrimEnd();
        var json = random.Next(3) switch
        {
            0 => nested,
            1 => "{\"x\":" + nested + "," + header[1..],
            _ => "{\"__metadata__\":{\"staticseq2seq.version\":\"1\",\"staticseq2seq.model_shape\":" +
                 JsonSerializer.Serialize(nested) + "}}",
        };
        return Assemble(Encoding.UTF8.GetBytes(json), valid.AsSpan(PrefixBytes + length));
    }

    private static string DeepObject(int depth)
    {
        var text = new StringBuilder(depth * 6);
        for (var i = 0; i < depth; i++)
        {
            text.Append("{\"a\":");
        }
        text.Append('0');
        text.Append('}', depth);
        return text.ToString();
    }

    // Lone surrogates and control characters, escaped, in tensor names, metadata keys and vocabulary tokens.
    private static byte[] EscapedNames(byte[] valid, Random random)
    {
        string[] escapes = ["\\ud800", "\\udc00", "\\ud800\\u0041", "\\u0000", "\\uffff", "\\ud83d\\ude00"];
        var length = HeaderLength(valid);
        var header = Encoding.UTF8.GetString(valid, PrefixBytes, length);
        var quotes = new List<int>();
        for (var i = header.IndexOf('"'); i >= 0; i = header.IndexOf('"', i + 1))
        {
            quotes.Add(i);
        }
        var at = quotes[random.Next(quotes.Count)] + 1;
        var json = header.Insert(at, escapes[random.Next(escapes.Length)]);
        return Assemble(Encoding.UTF8.GetBytes(json), valid.AsSpan(PrefixBytes + length));
    }

    private static byte[] Assemble(byte[] header, ReadOnlySpan<byte> data)
    {
        var bytes = new byte[PrefixBytes + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, PrefixBytes);
        data.CopyTo(bytes.AsSpan(PrefixBytes + header.Length));
        return bytes;
    }

    private static int HeaderLength(byte[] valid) => (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);

    // Where the header ends by the file's own length prefix, within the file: the part worth damaging most.
    private static int HeaderEnd(byte[] bytes) =>
        bytes.Length <= PrefixBytes ? bytes.Length : (int)Math.Min((ulong)bytes.Length, PrefixBytes + BinaryPrimitives.ReadUInt64LittleEndian(bytes) % (ulong)bytes.Length);

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
