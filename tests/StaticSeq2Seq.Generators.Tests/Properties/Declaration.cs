using System.Text;

namespace StaticSeq2Seq.Generators.Tests.Properties;

/// <summary>
/// One argument as written: <c>Name = Expression</c>. <see cref="Value"/> is the int the compiler makes of the
/// expression when it accepts it; otherwise <see cref="CompilerErrors"/> lists the errors C# gives for it, one of
/// which the compiler must report (the expression is built to be wrong in exactly that way).
/// </summary>
internal sealed record Argument(string Name, string Expression, int? Value, string[] CompilerErrors)
{
    public static Argument Accepted(string name, string expression, int value) => new(name, expression, value, []);

    public static Argument Rejected(string name, string expression, params string[] compilerErrors) => new(name, expression, null, compilerErrors);

    public override string ToString() => $"{Name} = {Expression}";
}

/// <summary>Where the class sits: the global namespace, or a file-scoped or block namespace of the given name.</summary>
internal sealed record NamespaceStyle(string? Name, bool FileScoped)
{
    public override string ToString() => Name is null ? "global" : FileScoped ? $"namespace {Name};" : $"namespace {Name} {{ }}";
}

internal enum TypeKind { Class, RecordClass, Struct, RecordStruct, Interface }

internal enum Nesting { None, InClass, InStruct, InStaticClass }

/// <summary>A syntax error placed around the class or its attribute.</summary>
internal enum SyntaxDefect { None, MissingCloseBrace, MissingBody, MissingName, MissingAttributeBracket, MissingArgumentParenthesis }

/// <summary>How the attribute is applied: once, twice on one declaration, or once on each of two partial declarations.</summary>
internal enum AttributeCount { Once, TwiceOnOneDeclaration, OnTwoPartialDeclarations }

/// <summary>The class's modifiers, in the order written.</summary>
internal sealed record Modifiers(string Access, bool Partial, bool Static, bool Abstract, bool Sealed, bool File)
{
    public override string ToString()
    {
        var text = new StringBuilder(Access);
        if (File) { text.Append("file "); }
        if (Static) { text.Append("static "); }
        if (Abstract) { text.Append("abstract "); }
        if (Sealed) { text.Append("sealed "); }
        if (Partial) { text.Append("partial "); }
        return text.ToString();
    }
}

/// <summary>
/// A random <c>[Seq2SeqModel]</c> declaration and everything around it, rendered to one source file by
/// <see cref="Render"/>. <see cref="ExtraPositional"/> adds a positional argument no constructor takes;
/// <see cref="UnknownArgument"/> a named argument the attribute does not have; <see cref="SecondModel"/> another,
/// valid model class in the same file.
/// </summary>
internal sealed record Declaration(
    NamespaceStyle Namespace,
    string ClassName,
    TypeKind Kind,
    Modifiers Modifiers,
    bool Generic,
    Nesting Nesting,
    SyntaxDefect Defect,
    AttributeCount Count,
    string AttributeName,
    Argument[] Arguments,
    bool ExtraPositional,
    bool UnknownArgument,
    bool SecondModel)
{
    /// <summary>A second, valid model, named so that it never collides with the class under test.</summary>
    public const string SecondModelName = "CompanionModel";

    public const string SecondModelArguments =
        "SourceVocabularySize = 6, TargetVocabularySize = 7, EmbeddingSize = 3, HiddenSize = 2, MaxSourceLength = 2, MaxTargetLength = 3";

    public string Render()
    {
        var source = new StringBuilder();
        source.AppendLine("using StaticSeq2Seq;");
        source.AppendLine("using S2S = StaticSeq2Seq.Seq2SeqModelAttribute;");
        if (Namespace.Name is { } ns)
        {
            source.AppendLine(Namespace.FileScoped ? $"namespace {ns};" : $"namespace {ns} {{");
        }
        // Constants and non-constants the arguments may refer to.
        source.AppendLine("static class Sizes");
        source.AppendLine("{");
        foreach (var argument in Arguments.Where(a => a.Expression.StartsWith("Sizes.Const", StringComparison.Ordinal)))
        {
            source.AppendLine($"    public const int {argument.Expression["Sizes.".Length..]} = {argument.Value};");
        }
        source.AppendLine("    public static readonly int ReadOnly = 7;");
        source.AppendLine("    public static int Compute() => 7;");
        source.AppendLine("}");
        if (SecondModel)
        {
            source.AppendLine($"[Seq2SeqModel({SecondModelArguments})]");
            source.AppendLine($"partial class {SecondModelName};");
        }

        var (open, close) = Nesting switch
        {
            Nesting.InClass => ("partial class Outer {", "}"),
            Nesting.InStruct => ("partial struct Outer {", "}"),
            Nesting.InStaticClass => ("static partial class Outer {", "}"),
            _ => ("", ""),
        };
        source.AppendLine(open);
        source.AppendLine(AttributeText());
        if (Count == AttributeCount.TwiceOnOneDeclaration)
        {
            source.AppendLine(AttributeText());
        }
        var keyword = Kind switch
        {
            TypeKind.RecordClass => "record",
            TypeKind.Struct => "struct",
            TypeKind.RecordStruct => "record struct",
            TypeKind.Interface => "interface",
            _ => "class",
        };
        var name = Defect == SyntaxDefect.MissingName ? "" : ClassName + (Generic ? "<T>" : "");
        var body = Defect switch
        {
            SyntaxDefect.MissingCloseBrace => " {",
            SyntaxDefect.MissingBody => "",
            _ => " { }",
        };
        source.AppendLine($"{Modifiers}{keyword} {name}{body}");
        if (Count == AttributeCount.OnTwoPartialDeclarations)
        {
            source.AppendLine(AttributeText());
            source.AppendLine($"{Modifiers}{keyword} {name} {{ }}");
        }
        source.AppendLine(close);
        if (Namespace.Name is not null && !Namespace.FileScoped)
        {
            source.AppendLine("}");
        }
        return source.ToString();
    }

    private string AttributeText()
    {
        var arguments = new List<string>();
        if (ExtraPositional)
        {
            arguments.Add("7");
        }
        arguments.AddRange(Arguments.Select(a => a.ToString()));
        if (UnknownArgument)
        {
            arguments.Add("Depth = 3");
        }
        var closeParenthesis = Defect == SyntaxDefect.MissingArgumentParenthesis ? "" : ")";
        var closeBracket = Defect == SyntaxDefect.MissingAttributeBracket ? "" : "]";
        return $"[{AttributeName}({string.Join(", ", arguments)}{closeParenthesis}{closeBracket}";
    }

    public override string ToString() => Render();
}
