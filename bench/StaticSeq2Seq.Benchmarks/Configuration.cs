using StaticSeq2Seq;

namespace StaticSeq2Seq.Benchmarks;

/// <summary>One of the fixed benchmark configurations: its model, its inputs, and the work one operation does.</summary>
public sealed class Configuration
{
    private Configuration(string name, Func<ISeq2SeqModel> create, Func<ISeq2SeqModel> createBFloat16, Func<ISeq2SeqModel> createInt8, Func<ISeq2SeqModel> createInt8Dynamic)
    {
        Name = name;
        Model = create();
        Model.InitializeParameters(seed: 7);
        BFloat16Model = createBFloat16();
        Model.Parameters.CopyTo(BFloat16Model.Parameters);
        Int8Model = createInt8();
        Model.Parameters.CopyTo(Int8Model.Parameters);
        Int8DynamicModel = createInt8Dynamic();
        Model.Parameters.CopyTo(Int8DynamicModel.Parameters);
        var shape = Model.Shape;
        var random = new SeededRandom(11);
        Source = new int[shape.MaxSourceLength];
        Target = new int[shape.MaxTargetLength];
        for (var i = 0; i < Source.Length; i++)
        {
            Source[i] = SpecialTokens.Count + random.NextInt(shape.SourceVocabularySize - SpecialTokens.Count);
        }
        for (var i = 0; i < Target.Length; i++)
        {
            Target[i] = SpecialTokens.Count + random.NextInt(shape.TargetVocabularySize - SpecialTokens.Count);
        }
        Work = new WorkCount(shape);
    }

    /// <summary>"S" or "M".</summary>
    public string Name { get; }

    /// <summary>The model, initialised from seed 7.</summary>
    public ISeq2SeqModel Model { get; }

    /// <summary>The same model and parameters, declared to decode with bfloat16 weights.</summary>
    public ISeq2SeqModel BFloat16Model { get; }

    /// <summary>The same model and parameters, declared to decode with int8 weights.</summary>
    public ISeq2SeqModel Int8Model { get; }

    /// <summary>The same model and parameters, declared to decode with int8 weights and activations.</summary>
    public ISeq2SeqModel Int8DynamicModel { get; }

    /// <summary>A source of the maximum length, ids drawn from seed 11 outside the special tokens.</summary>
    public int[] Source { get; }

    /// <summary>A target of the maximum length, drawn after the source.</summary>
    public int[] Target { get; }

    /// <summary>Multiply-adds and weight bytes of the benchmarked operations.</summary>
    public WorkCount Work { get; }

    /// <summary>The configurations by name.</summary>
    public static Configuration Create(string name) => name switch
    {
        "S" => new Configuration(name, static () => new ModelS(), static () => new ModelSBFloat16(), static () => new ModelSInt8(), static () => new ModelSInt8Dynamic()),
        "M" => new Configuration(name, static () => new ModelM(), static () => new ModelMBFloat16(), static () => new ModelMInt8(), static () => new ModelMInt8Dynamic()),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "The configurations are S and M."),
    };
}
