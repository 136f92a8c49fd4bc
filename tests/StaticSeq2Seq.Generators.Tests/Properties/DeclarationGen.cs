using System.Globalization;
using CsCheck;

namespace StaticSeq2Seq.Generators.Tests.Properties;

/// <summary>CsCheck generators of random <see cref="Declaration"/>s: mostly plausible, with every kind of mistake mixed in.</summary>
internal static class DeclarationGen
{
    private static readonly string[] SizeNames =
        ["SourceVocabularySize", "TargetVocabularySize", "EmbeddingSize", "HiddenSize", "Layers", "MaxSourceLength", "MaxTargetLength"];

    /// <summary>The extremes, zero, and every limit of the README's table with its neighbours.</summary>
    private static readonly int[] InterestingSizes =
    [
        int.MinValue, int.MinValue + 1, -1_000_001, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
        1023, 1024, 1025, 4095, 4096, 4097, 999_999, 1_000_000, 1_000_001, int.MaxValue - 1, int.MaxValue,
    ];

    private static readonly Gen<int> Size = Gen.Frequency(
        (8, Gen.Int[1, 12]),
        (3, Gen.Int[1, 300]),
        (4, Gen.OneOf(InterestingSizes)),
        (1, Gen.Int));

    /// <summary>An int-typed argument: the value written in one of the forms C# accepts, or an expression C# rejects.</summary>
    private static Gen<Argument> SizeArgument(string name) => Gen.Frequency(
        (12, Size.SelectMany(value => IntForm(name, value))),
        (2, RejectedInt(name)));

    private static Gen<Argument> IntForm(string name, int value)
    {
        var forms = new List<Argument>
        {
            Argument.Accepted(name, value.ToString(CultureInfo.InvariantCulture), value),
            Argument.Accepted(name, $"Sizes.Const{name}", value),
            Argument.Accepted(name, $"{value / 2} + {value - value / 2}", value),
        };
        if (value >= 0)
        {
            forms.Add(Argument.Accepted(name, $"0x{value:X}", value));
            forms.Add(Argument.Accepted(name, value.ToString("N0", CultureInfo.InvariantCulture).Replace(',', '_'), value));
        }
        if (value is >= 0 and <= 0xFFFF)
        {
            forms.Add(Argument.Accepted(name, $"'\\u{value:X4}'", value));
        }
        if (value == 0)
        {
            forms.Add(Argument.Accepted(name, "default", value));
        }
        if (value == int.MaxValue)
        {
            forms.Add(Argument.Accepted(name, "int.MaxValue", value));
        }
        if (value == int.MinValue)
        {
            forms.Add(Argument.Accepted(name, "int.MinValue", value));
        }
        return Gen.OneOf([.. forms]);
    }

    /// <summary>
    /// Expressions C# does not accept for an int property, each with the error it gives: CS0029 (no conversion from
    /// string or bool), CS0266 (only an explicit conversion from double, long, uint or an enum), CS0220 (overflow in a
    /// constant), CS0037 (null for a value type), CS0182 (not a constant: a static readonly field, a method call, a
    /// property), CS0103 (a name, such as a local, that is not in scope at the attribute).
    /// </summary>
    private static Gen<Argument> RejectedInt(string name) => Gen.OneOf(
        Argument.Rejected(name, "\"7\"", "CS0029"),
        Argument.Rejected(name, "true", "CS0029"),
        Argument.Rejected(name, "7.5", "CS0266"),
        Argument.Rejected(name, "7L", "CS0266"),
        Argument.Rejected(name, "2147483648", "CS0266"),
        Argument.Rejected(name, "4294967296", "CS0266"),
        Argument.Rejected(name, "RecurrentCell.Lstm", "CS0266"),
        Argument.Rejected(name, "int.MaxValue + 1", "CS0220"),
        Argument.Rejected(name, "null", "CS0037"),
        Argument.Rejected(name, "Sizes.ReadOnly", "CS0182"),
        Argument.Rejected(name, "Sizes.Compute()", "CS0182"),
        Argument.Rejected(name, "global::System.Environment.ProcessorCount", "CS0182"),
        Argument.Rejected(name, "local", "CS0103"));

    /// <summary>
    /// An enum argument (<c>Cell</c>, <c>Attention</c>, <c>DecodeWeights</c>): a member, a cast of any int (in range or not), the literal 0
    /// (which converts to any enum), <c>default</c>, or an or of members; or what C# rejects: CS0266 (a non-zero int,
    /// the other enum), CS0029 (a string), CS0117 (no such member), CS0103 (a bare member name).
    /// </summary>
    private static Gen<Argument> EnumArgument(string name, string enumName, string[] members, string otherEnumMember) =>
        Gen.Frequency(
            (6, Gen.Int[0, members.Length - 1].Select(i => Argument.Accepted(name, $"{enumName}.{members[i]}", i))),
            (3, Gen.Frequency((3, Gen.Int[-2, members.Length + 2]), (1, Gen.OneOf(int.MinValue, int.MaxValue, 100))).Select(v =>
                Argument.Accepted(name, v < 0 ? $"({enumName})({v})" : $"({enumName}){v}", v))),
            (1, Gen.OneOf(
                Argument.Accepted(name, "0", 0),
                Argument.Accepted(name, "default", 0),
                Argument.Accepted(name, $"{enumName}.{members[1]} | {enumName}.{members[Math.Min(2, members.Length - 1)]}", 1 | Math.Min(2, members.Length - 1)))),
            (2, Gen.OneOf(
                Argument.Rejected(name, "1", "CS0266"),
                Argument.Rejected(name, otherEnumMember, "CS0266"),
                Argument.Rejected(name, $"\"{members[0]}\"", "CS0029"),
                Argument.Rejected(name, $"{enumName}.Transformer", "CS0117"),
                Argument.Rejected(name, members[1], "CS0103"))));

    private static Gen<Argument?> Optional(Gen<Argument> argument, int presentPercent) =>
        Gen.Int[0, 99].SelectMany(roll => roll < presentPercent ? argument.Select(a => (Argument?)a) : Gen.Const((Argument?)null));

    private static readonly Gen<Argument[]> Arguments =
        Gen.Select(
            Optional(SizeArgument(SizeNames[0]), 90),
            Optional(SizeArgument(SizeNames[1]), 90),
            Gen.Select(Optional(SizeArgument(SizeNames[2]), 60), Optional(SizeArgument(SizeNames[3]), 60), Optional(SizeArgument(SizeNames[4]), 50)),
            Gen.Select(Optional(SizeArgument(SizeNames[5]), 60), Optional(SizeArgument(SizeNames[6]), 60)),
            Optional(EnumArgument("Cell", "RecurrentCell", ["Rnn", "Gru", "Lstm"], "AttentionKind.None"), 50),
            Gen.Select(
                Optional(EnumArgument("Attention", "AttentionKind", ["None", "LuongDot", "LuongGeneral", "Bahdanau"], "RecurrentCell.Gru"), 40),
                Optional(EnumArgument("DecodeWeights", "DecodeWeightFormat", ["Float32", "BFloat16", "Int8", "Int8Dynamic"], "AttentionKind.None"), 20)),
            (source, target, widths, lengths, cell, enums) =>
                new[] { source, target, widths.Item1, widths.Item2, widths.Item3, lengths.Item1, lengths.Item2, cell, enums.Item1, enums.Item2 }
                    .OfType<Argument>().ToArray())
        .SelectMany(arguments => Gen.Shuffle(arguments))
        .SelectMany(arguments => Gen.Int[0, 29].SelectMany(roll =>
            roll != 0 || arguments.Length == 0
                ? Gen.Const(arguments)
                // Now and then the same argument twice, the second time as default (0), which every argument's type accepts.
                : Gen.Int[0, arguments.Length - 1].Select(i => arguments.Append(arguments[i] with { Expression = "default", Value = 0, CompilerErrors = [] }).ToArray())));

    private static readonly Gen<NamespaceStyle> Namespaces = Gen.Frequency(
        (6, Gen.Const(new NamespaceStyle("Demo", FileScoped: true))),
        (2, Gen.Const(new NamespaceStyle(null, FileScoped: false))),
        (2, Gen.Const(new NamespaceStyle("Demo", FileScoped: false))),
        (1, Gen.OneOf(
            new NamespaceStyle("A.B.C", FileScoped: true),
            new NamespaceStyle("@class", FileScoped: true),
            new NamespaceStyle("StaticSeq2Seq", FileScoped: true),
            new NamespaceStyle("Demo.StaticSeq2Seq", FileScoped: false),
            new NamespaceStyle("System", FileScoped: true),
            new NamespaceStyle("Model", FileScoped: true))));

    /// <summary>Legal but odd names: keywords, non-ASCII, runtime types' names, the namespace's name, generated members' names, very long.</summary>
    private static readonly Gen<string> ClassNames = Gen.Frequency(
        (10, Gen.Const("Model")),
        (4, Gen.OneOf(
            "@event", "@partial", "Modèle", "Модель", "_", "M_1", "ISeq2SeqModel", "Seq2SeqModelAttribute", "ModelShape",
            "Seq2SeqWorkspace", "System", "Demo", "Object", "record", "Unsafe", "MathF", "TensorPrimitives", "MemoryMarshal",
            "M" + new string('x', 400))),
        (2, Gen.OneOf([.. DeclarationOracle.GeneratedMemberNames, .. DeclarationOracle.AttentionMemberNames])));

    private static Gen<bool> Chance(int percent) => Gen.Int[0, 99].Select(roll => roll < percent);

    private static readonly Gen<Modifiers> ModifierSets = Gen.Select(
        Gen.Frequency((4, Gen.Const("public ")), (3, Gen.Const("")), (2, Gen.Const("internal ")), (1, Gen.Const("private "))),
        Chance(90), Chance(5), Chance(5), Chance(5), Chance(3),
        (access, partial, isStatic, isAbstract, isSealed, file) => new Modifiers(access, partial, isStatic, isAbstract, isSealed, file));

    private static readonly Gen<(TypeKind Kind, bool Generic, Nesting Nesting, SyntaxDefect Defect)> Shapes = Gen.Select(
        Gen.Frequency((20, Gen.Const(TypeKind.Class)), (2, Gen.Const(TypeKind.RecordClass)),
            (1, Gen.OneOf(TypeKind.Struct, TypeKind.RecordStruct, TypeKind.Interface))),
        Chance(5),
        Gen.Frequency((20, Gen.Const(Nesting.None)), (1, Gen.OneOf(Nesting.InClass, Nesting.InStruct, Nesting.InStaticClass))),
        Gen.Frequency((20, Gen.Const(SyntaxDefect.None)), (2, Gen.OneOf(
            SyntaxDefect.MissingCloseBrace, SyntaxDefect.MissingBody, SyntaxDefect.MissingName,
            SyntaxDefect.MissingAttributeBracket, SyntaxDefect.MissingArgumentParenthesis))));

    private static readonly Gen<(AttributeCount Count, string AttributeName, bool Positional, bool Unknown, bool SecondModel)> Attributes = Gen.Select(
        Gen.Frequency((30, Gen.Const(AttributeCount.Once)), (1, Gen.OneOf(AttributeCount.TwiceOnOneDeclaration, AttributeCount.OnTwoPartialDeclarations))),
        Gen.Frequency((6, Gen.Const("Seq2SeqModel")), (1, Gen.OneOf(
            "Seq2SeqModelAttribute", "StaticSeq2Seq.Seq2SeqModel", "global::StaticSeq2Seq.Seq2SeqModelAttribute", "S2S"))),
        Chance(2), Chance(3), Chance(8),
        (count, name, positional, unknown, second) => (count, name, positional, unknown, second));

    private static readonly Gen<Declaration> WildDeclarations = Gen.Select(
        Namespaces, ClassNames, ModifierSets, Shapes, Attributes, Arguments,
        (ns, name, modifiers, shape, attribute, arguments) => new Declaration(
            ns, NotTheAttribute(ns, name), shape.Kind, modifiers, shape.Generic, shape.Nesting, shape.Defect,
            attribute.Count, attribute.AttributeName, arguments, attribute.Positional, attribute.Unknown,
            attribute.SecondModel && !DeclarationOracle.HidesAGeneratedUse(ns.Name, name)));

    private static Gen<Argument> InRange(string name, int min, int max) => Gen.Int[min, max].SelectMany(value => IntForm(name, value));

    private static Gen<Argument> DefinedMember(string name, string enumName, string[] members) =>
        Gen.Int[0, members.Length - 1].Select(i => Argument.Accepted(name, $"{enumName}.{members[i]}", i));

    /// <summary>Arguments every one of which is allowed; one set in ten is large enough to come near the size limit.</summary>
    private static readonly Gen<Argument[]> InRangeArguments = Gen.Int[0, 9].SelectMany(roll =>
    {
        var large = roll == 0;
        return Gen.Select(
            InRange("SourceVocabularySize", large ? 100_000 : 5, large ? 1_000_000 : 200),
            InRange("TargetVocabularySize", large ? 100_000 : 5, large ? 1_000_000 : 200),
            Gen.Select(Optional(InRange("EmbeddingSize", 1, large ? 4096 : 48), 60), Optional(InRange("HiddenSize", 1, large ? 4096 : 48), 60), Optional(InRange("Layers", 1, 3), 40)),
            Gen.Select(Optional(InRange("MaxSourceLength", 1, large ? 1024 : 40), 60), Optional(InRange("MaxTargetLength", 1, large ? 1024 : 40), 60)),
            Optional(DefinedMember("Cell", "RecurrentCell", ["Rnn", "Gru", "Lstm"]), 60),
            Gen.Select(
                Optional(DefinedMember("Attention", "AttentionKind", ["None", "LuongDot", "LuongGeneral", "Bahdanau"]), 50),
                Optional(DefinedMember("DecodeWeights", "DecodeWeightFormat", ["Float32", "BFloat16", "Int8", "Int8Dynamic"]), 30)),
            (source, target, widths, lengths, cell, enums) =>
                new[] { source, target, widths.Item1, widths.Item2, widths.Item3, lengths.Item1, lengths.Item2, cell, enums.Item1, enums.Item2 }
                    .OfType<Argument>().ToArray());
    }).SelectMany(arguments => Gen.Shuffle(arguments));

    /// <summary>A declaration with nothing wrong: any namespace, an odd but legal name, every attribute spelling.</summary>
    private static readonly Gen<Declaration> CorrectDeclarations = Gen.Select(
        Namespaces,
        Gen.Frequency((10, Gen.Const("Model")), (3, Gen.OneOf("@event", "Modèle", "Модель", "_", "M_1", "ISeq2SeqModel", "ModelShape",
            "Seq2SeqWorkspace", "System", "Demo", "Object", "M" + new string('x', 400)))),
        Gen.Select(Gen.OneOf("public ", "internal ", ""), Gen.Frequency((8, Gen.Const("")), (1, Gen.OneOf("abstract", "sealed")))),
        Gen.Frequency((10, Gen.Const(TypeKind.Class)), (1, Gen.Const(TypeKind.RecordClass))),
        Gen.Select(Gen.Frequency((6, Gen.Const("Seq2SeqModel")), (1, Gen.OneOf("StaticSeq2Seq.Seq2SeqModel", "global::StaticSeq2Seq.Seq2SeqModelAttribute", "S2S"))), Chance(8)),
        InRangeArguments,
        (ns, name, modifiers, kind, attribute, arguments) => new Declaration(
            ns, Unhidden(ns, name), kind,
            new Modifiers(modifiers.Item1, Partial: true, Static: false, Abstract: modifiers.Item2 == "abstract", Sealed: modifiers.Item2 == "sealed", File: false),
            Generic: false, Nesting.None, SyntaxDefect.None, AttributeCount.Once, attribute.Item1, arguments,
            ExtraPositional: false, UnknownArgument: false, SecondModel: attribute.Item2));

    /// <summary>
    /// A correct declaration does not hide a name its generated code uses (S2S0011): such a name becomes <c>Model</c>.
    /// </summary>
    private static string Unhidden(NamespaceStyle ns, string name) =>
        DeclarationOracle.HidesAGeneratedUse(ns.Name, name) ? "Model" : NotTheAttribute(ns, name);

    /// <summary>
    /// A class <c>StaticSeq2Seq.Seq2SeqModelAttribute</c> replaces the attribute itself for the whole program, so no
    /// declaration means the generator's attribute any more; such a name becomes <c>Model</c>.
    /// </summary>
    /// <remarks>
    /// A model whose name hides a name the generated code uses also breaks every other model generated into its
    /// namespace, which S2S0011 reports only at the model so named; wild declarations with such a name therefore come
    /// without the companion model.
    /// </remarks>
    private static string NotTheAttribute(NamespaceStyle ns, string name) =>
        ns.Name == "StaticSeq2Seq" && name == "Seq2SeqModelAttribute" ? "Model" : name;

    /// <summary>A third correct declarations (the costly ones: their generated code is compiled), the rest with any number of mistakes.</summary>
    public static readonly Gen<Declaration> Declarations = Gen.Frequency((1, CorrectDeclarations), (2, WildDeclarations));
}
