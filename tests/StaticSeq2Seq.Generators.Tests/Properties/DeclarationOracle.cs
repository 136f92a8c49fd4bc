namespace StaticSeq2Seq.Generators.Tests.Properties;

/// <summary>What must happen to a declaration: generated, reported, or (for a shape near the size limit) either.</summary>
internal enum Verdict { Valid, Invalid, ValidOrTooLarge }

/// <summary>
/// The expected outcome of a <see cref="Declaration"/>, decided from the README's rules and the C# language alone,
/// never by asking the generator's own validation. An invalid declaration lists its <see cref="Defects"/>, each with
/// the ids that may report it: an <c>S2S</c> id the analyzer owes, or the compiler errors C# itself gives for it.
/// </summary>
internal sealed record Expectation(Verdict Verdict, IReadOnlyList<Defect> Defects, bool AnyAnalyzerIdAllowed)
{
    /// <summary>The S2S ids the analyzer may report: those of the defects (plus S2S0008 when the shape is near the limit).</summary>
    public IEnumerable<string> AllowedAnalyzerIds =>
        Defects.SelectMany(d => d.Ids).Where(id => id.StartsWith("S2S", StringComparison.Ordinal))
            .Concat(Verdict == Verdict.ValidOrTooLarge ? ["S2S0008"] : []);

    public override string ToString() =>
        $"{Verdict}{(AnyAnalyzerIdAllowed ? " (any S2S id allowed)" : "")}: {(Defects.Count == 0 ? "no defect" : string.Join("; ", Defects))}";
}

/// <summary>One thing wrong with a declaration and the diagnostic ids of which at least one must report it.</summary>
internal sealed record Defect(string What, params string[] Ids)
{
    public override string ToString() => $"{What} ({string.Join(" or ", Ids)})";
}

internal static class DeclarationOracle
{
    private const long IntBuffer = int.MaxValue;

    /// <summary>
    /// The compiler errors for a class-level problem, and why C# gives them:
    /// CS1513 "} expected" and CS1514 "{ expected" (a class without its braces), CS1001 "identifier expected" (no name),
    /// CS1003 "syntax error, ',' / ']' expected" and CS1026 ") expected" (an attribute left open), CS0592 "attribute is
    /// not valid on this declaration type" (the attribute is <c>AttributeTargets.Class</c>: structs and interfaces),
    /// CS0579 "duplicate attribute" (<c>AllowMultiple = false</c>, also across partial declarations), CS1729 "no
    /// constructor takes 1 argument" (a positional argument), CS0246 "type or namespace 'Depth' not found" (a named
    /// argument the attribute lacks), CS0643 "duplicate named attribute argument", CS1527 "elements defined in a
    /// namespace cannot be private", CS9052 "file-local type cannot use accessibility modifiers", CS0106 "modifier not valid" (<c>file</c> on a nested type), CS0260 (partial
    /// declarations disagree), CS0261 (partial declarations differ in kind or modifiers),
    /// CS0418 "an abstract class cannot be static" / sealed, CS0441 "a class cannot be both static and sealed",
    /// CS0502 "abstract and sealed", CS0542 "member names cannot be the
    /// same as their enclosing type" (a class named like a member of <c>Outer</c>), CS0616 "is not an attribute class"
    /// or CS0653 "cannot apply attribute class because it is abstract" (a type named <c>Seq2SeqModelAttribute</c>, a class or
    /// an interface or a static class, captures the unqualified attribute name), CS0234 "does not exist in
    /// the namespace" (<c>StaticSeq2Seq.Seq2SeqModel</c> inside namespace <c>Demo.StaticSeq2Seq</c>).
    /// </summary>
    public static Expectation Decide(Declaration declaration)
    {
        var defects = new List<Defect>();
        var anyAnalyzerId = false;

        switch (declaration.Defect)
        {
            case SyntaxDefect.MissingCloseBrace: defects.Add(new("class without its closing brace", "CS1513")); anyAnalyzerId = true; break;
            case SyntaxDefect.MissingBody: defects.Add(new("class without a body", "CS1514", "CS1513")); anyAnalyzerId = true; break;
            case SyntaxDefect.MissingName: defects.Add(new("class without a name", "CS1001")); anyAnalyzerId = true; break;
            case SyntaxDefect.MissingAttributeBracket: defects.Add(new("attribute without ']'", "CS1003")); anyAnalyzerId = true; break;
            case SyntaxDefect.MissingArgumentParenthesis: defects.Add(new("argument list without ')'", "CS1026", "CS1003")); anyAnalyzerId = true; break;
        }
        if (declaration.Kind is TypeKind.Struct or TypeKind.RecordStruct or TypeKind.Interface)
        {
            defects.Add(new($"attribute on a {declaration.Kind}", "CS0592"));
            anyAnalyzerId = true;
        }
        if (declaration.Count != AttributeCount.Once)
        {
            defects.Add(new("attribute applied twice", "CS0579"));
            anyAnalyzerId = true;
        }
        if (declaration.ExtraPositional)
        {
            defects.Add(new("positional argument", "CS1729"));
            anyAnalyzerId = true;
        }
        if (declaration.UnknownArgument)
        {
            defects.Add(new("unknown named argument", "CS0246"));
        }
        var duplicated = declaration.Arguments.GroupBy(a => a.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicated.Count > 0)
        {
            // Which of the duplicates the attribute keeps is not the language's business to say: any S2S id may follow.
            defects.Add(new($"duplicate named argument {string.Join(", ", duplicated)}", "CS0643"));
            anyAnalyzerId = true;
        }
        AddModifierDefects(declaration, defects);
        if (declaration.ClassName == "Seq2SeqModelAttribute" && declaration.AttributeName is "Seq2SeqModel" or "Seq2SeqModelAttribute"
            && declaration.Defect != SyntaxDefect.MissingName)
        {
            // The class, nearer than the using directive, is what the unqualified attribute name binds to.
            defects.Add(new("a type named like the attribute, which the attribute then names", "CS0616", "CS0653"));
            anyAnalyzerId = true;
        }
        if (declaration.Namespace.Name is { } ns && ns.EndsWith(".StaticSeq2Seq", StringComparison.Ordinal)
            && declaration.AttributeName.StartsWith("StaticSeq2Seq.", StringComparison.Ordinal))
        {
            // Inside namespace Demo.StaticSeq2Seq, StaticSeq2Seq.X means Demo.StaticSeq2Seq.X: not found (CS0234), or, when
            // the class itself is named Seq2SeqModelAttribute, found as that class, which is no attribute (CS0616, CS0653).
            defects.Add(declaration.ClassName == "Seq2SeqModelAttribute"
                ? new("an attribute name qualified with a namespace the enclosing one hides", "CS0234", "CS0616", "CS0653")
                : new("an attribute name qualified with a namespace the enclosing one hides", "CS0234"));
            anyAnalyzerId = true;
        }

        if (declaration.Nesting != Nesting.None)
        {
            defects.Add(new("nested class", "S2S0002"));
        }
        if (!declaration.Modifiers.Partial)
        {
            defects.Add(new("class not partial", "S2S0001"));
        }
        if (declaration.Generic && declaration.Defect != SyntaxDefect.MissingName)
        {
            defects.Add(new("generic class", "S2S0003"));
        }
        if (declaration.Modifiers.Static)
        {
            defects.Add(new("static class", "S2S0004"));
        }
        if (GeneratedMemberNames.Contains(declaration.ClassName) && declaration.Defect != SyntaxDefect.MissingName)
        {
            defects.Add(new($"class named like the generated member {declaration.ClassName}", "S2S0010"));
        }
        if (HidesAGeneratedUse(declaration.Namespace.Name, declaration.ClassName) && declaration.Defect != SyntaxDefect.MissingName)
        {
            defects.Add(new($"class {declaration.ClassName} hiding a name the generated code uses", "S2S0011"));
        }

        var values = new Dictionary<string, int>();
        var unreadable = new HashSet<string>();
        foreach (var argument in declaration.Arguments)
        {
            if (argument.Value is { } value)
            {
                values[argument.Name] = value;
            }
            else
            {
                unreadable.Add(argument.Name);
                defects.Add(new($"{argument} is rejected by C#", argument.CompilerErrors));
            }
        }
        foreach (var required in new[] { "SourceVocabularySize", "TargetVocabularySize" })
        {
            if (!values.ContainsKey(required) && !unreadable.Contains(required))
            {
                defects.Add(new($"{required} missing", "S2S0005"));
            }
        }
        CheckRange(values, defects, "SourceVocabularySize", 5, 1_000_000, "S2S0006");
        CheckRange(values, defects, "TargetVocabularySize", 5, 1_000_000, "S2S0006");
        CheckRange(values, defects, "EmbeddingSize", 1, 4096, "S2S0006");
        CheckRange(values, defects, "HiddenSize", 1, 4096, "S2S0006");
        CheckRange(values, defects, "Layers", 1, 8, "S2S0006");
        CheckRange(values, defects, "MaxSourceLength", 1, 1024, "S2S0006");
        CheckRange(values, defects, "MaxTargetLength", 1, 1024, "S2S0006");
        CheckRange(values, defects, "Cell", 0, 2, "S2S0007");
        CheckRange(values, defects, "Attention", 0, 3, "S2S0009");
        CheckRange(values, defects, "DecodeWeights", 0, 3, "S2S0012");
        if (AttentionMemberNames.Contains(declaration.ClassName) && declaration.Defect != SyntaxDefect.MissingName
            && values.GetValueOrDefault("Attention") != 0)
        {
            defects.Add(new($"attention model named like the generated member {declaration.ClassName}", "S2S0010"));
        }

        if (defects.Count > 0)
        {
            return new Expectation(Verdict.Invalid, NamesCheckedOnceTheSizeFits(values, defects), anyAnalyzerId);
        }
        return new Expectation(SizeVerdict(values, defects), defects, anyAnalyzerId);
    }

    /// <summary>
    /// The members a model class gets (from <see cref="ISeq2SeqModel"/> and the emitted constants); a class of the same
    /// name cannot hold them (C# error CS0542), so such a name must be reported instead of generated.
    /// </summary>
    public static readonly HashSet<string> GeneratedMemberNames =
    [
        "Forward", "Backward", "Shape", "Layout", "Parameters", "CreateWorkspace", "InitializeParameters", "DecodeGreedy",
        "HiddenSize", "EmbeddingSize", "Layers", "SourceVocabularySize", "TargetVocabularySize", "MaxSourceLength", "MaxTargetLength",
        "ParameterCount", "WorkspaceFloats", "BeginDecode", "DecodeStep", "DecoderStateSize",
        "ComputeLogits",
    ];

    /// <summary>Types every generated model names without qualification: inside a class of the same name the name means the class.</summary>
    public static readonly HashSet<string> TypesEveryModelUses = ["Unsafe", "MemoryMarshal", "MathF", "TensorPrimitives", "ArgumentOutOfRangeException"];

    /// <summary>The runtime's types the generated code names as <c>global::StaticSeq2Seq.X</c>, which a source class of that full name replaces (CS0436).</summary>
    public static readonly HashSet<string> RuntimeTypesTheModelUses = ["ISeq2SeqModel", "ModelShape", "Seq2SeqWorkspace"];

    /// <summary>
    /// Whether the model's own name is found where the generated code means something else: a type it names unqualified,
    /// <c>System</c> in the global namespace (the generated <c>using System;</c>), a runtime type's full name, or
    /// <c>System.Object</c> (what <c>object</c> means).
    /// </summary>
    public static bool HidesAGeneratedUse(string? ns, string className) =>
        TypesEveryModelUses.Contains(className)
        || (ns is null && className == "System")
        || (ns == "StaticSeq2Seq" && RuntimeTypesTheModelUses.Contains(className))
        || (ns == "System" && className == "Object");

    /// <summary>The members only a model with attention gets; a model without it keeps the interface's defaults.</summary>
    public static readonly HashSet<string> AttentionMemberNames = ["GetAttentionWeights", "GetStepAttentionWeights"];

    private static void AddModifierDefects(Declaration declaration, List<Defect> defects)
    {
        var modifiers = declaration.Modifiers;
        if (modifiers.Access == "private " && declaration.Nesting == Nesting.None)
        {
            defects.Add(new("private type in a namespace", "CS1527"));
        }
        if (modifiers.File && modifiers.Access.Length > 0)
        {
            defects.Add(new("file-local type with an accessibility", "CS9052"));
        }
        if (modifiers.File && declaration.Nesting != Nesting.None)
        {
            defects.Add(new("file-local nested type", "CS9054", "CS0106"));
        }
        if (modifiers.Static && (modifiers.Abstract || modifiers.Sealed))
        {
            defects.Add(new("static with abstract or sealed", "CS0418", "CS0441"));
        }
        if (modifiers.Abstract && modifiers.Sealed)
        {
            defects.Add(new("abstract and sealed", "CS0418", "CS0502"));
        }
        if (modifiers.Static && declaration.Kind != TypeKind.Class)
        {
            defects.Add(new("static on a non-class", "CS0106"));
        }
        if ((modifiers.Abstract || modifiers.Sealed) && declaration.Kind is TypeKind.Struct or TypeKind.RecordStruct or TypeKind.Interface)
        {
            defects.Add(new("abstract or sealed on a struct or interface", "CS0106"));
        }
        if (declaration.Nesting == Nesting.InStaticClass && !modifiers.Static)
        {
            defects.Add(new("instance type in a static class", "CS0708"));
        }
        if (declaration.Nesting != Nesting.None && declaration.ClassName == "Outer")
        {
            defects.Add(new("nested type named like its container", "CS0542"));
        }
    }

    private static void CheckRange(Dictionary<string, int> values, List<Defect> defects, string name, int min, int max, string id)
    {
        if (values.TryGetValue(name, out var value) && (value < min || value > max))
        {
            defects.Add(new($"{name} = {value} outside {min}..{max}", id));
        }
    }

    /// <summary>
    /// A class name that clashes with a generated member (S2S0010) or hides a name the generated code uses (S2S0011) is
    /// found by looking at the planned model, which only a shape within the size limit has: past or near the limit the
    /// analyzer may report the size (S2S0008) in the name's place.
    /// </summary>
    private static List<Defect> NamesCheckedOnceTheSizeFits(Dictionary<string, int> values, List<Defect> defects) =>
        SizeVerdict(values, []) == Verdict.Valid
            ? defects
            : defects.Select(d => d.Ids is ["S2S0010"] or ["S2S0011"] ? d with { Ids = [.. d.Ids, "S2S0008"] } : d).ToList();

    /// <summary>
    /// Whether every argument in range also fits the int-indexed buffers (S2S0008). Bounds, not the generator's own
    /// count: a lower bound on the parameters (both embeddings and the output layer) past int.MaxValue is surely too
    /// large; a generous upper bound on parameters and workspace below it surely fits; between them, either outcome.
    /// </summary>
    private static Verdict SizeVerdict(Dictionary<string, int> values, List<Defect> defects)
    {
        long Get(string name, long fallback) => values.TryGetValue(name, out var v) ? v : fallback;
        long vs = Get("SourceVocabularySize", 0), vt = Get("TargetVocabularySize", 0);
        long e = Get("EmbeddingSize", 64), h = Get("HiddenSize", 128), layers = Get("Layers", 1);
        long ts = Get("MaxSourceLength", 32), tt = Get("MaxTargetLength", 32);

        var parametersAtLeast = (vs + vt) * e + vt * h;
        var workspaceAtLeast = (tt + 1) * vt;
        if (parametersAtLeast > IntBuffer || workspaceAtLeast > IntBuffer)
        {
            defects.Add(new("parameters or workspace past int.MaxValue floats", "S2S0008"));
            return Verdict.Invalid;
        }
        const long Padding = 64;
        var layer = 4 * h * (e + 2 * h) + 8 * h + 4 * Padding;
        var parametersAtMost = (vs + vt) * e + vt * (h + 1) + 2 * layers * layer + 3 * (2 * h * h + 2 * h) + (vs + vt) * Padding;
        var steps = Math.Max(ts, tt) + 2;
        var droppedInputsAtMost = (ts + tt + 1) * e + layers * (ts + tt + 1) * h + e + h;
        var workspaceAtMost = 2 * layers * steps * 8 * h + (tt + 2) * (8 * h + e + ts + vt) + 4 * ts * h + 40 * h + 2 * vt + e + droppedInputsAtMost + 100 * Padding;
        return 2 * parametersAtMost < IntBuffer && 2 * workspaceAtMost < IntBuffer ? Verdict.Valid : Verdict.ValidOrTooLarge;
    }
}
