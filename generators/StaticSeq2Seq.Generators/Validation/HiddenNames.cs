using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticSeq2Seq.Generators.Emit;
using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Validation;

/// <summary>A name of the model's class or namespace that hides something its generated code names.</summary>
/// <param name="Name">The hiding name.</param>
/// <param name="Owner"><c>class</c> or <c>namespace</c>: what to rename.</param>
/// <param name="Use">The generated code that would find the model's class or namespace instead, such as <c>Unsafe.Add</c>.</param>
internal sealed record HiddenName(string Name, string Owner, string Use);

/// <summary>
/// Finds a name the generated code looks up that the model's own class or namespace would answer instead of the type
/// meant: inside a class named <c>Unsafe</c>, <c>Unsafe.Add</c> finds the class itself; inside namespace
/// <c>Demo.MathF</c>, <c>MathF.Exp</c> finds the namespace; a class <c>StaticSeq2Seq.ModelShape</c> or <c>System.Object</c>
/// replaces the type of that name for the whole program. The compiler would report errors in files the user cannot edit.
/// </summary>
/// <remarks>
/// The code is emitted once more with a stand-in class name, so every remaining use of the class's name is a use of
/// something else, and C#'s lookup rules are applied to each use: a name declared in the generated code itself (a
/// parameter, local or member) is found before the class and namespace; a name after a dot is a member of what precedes
/// it; a using directive and <c>global::</c> look in the global namespace only.
/// </remarks>
internal static class HiddenNames
{
    private const string StandIn = "S2SModelStandIn";

    /// <summary>The types C# keywords name (<c>object</c>, <c>float</c>, <c>nuint</c>, ...); a model that is one of them replaces it.</summary>
    private static readonly HashSet<string> KeywordTypes =
    [
        "Object", "String", "Boolean", "Char", "SByte", "Byte", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64",
        "Single", "Double", "Decimal", "IntPtr", "UIntPtr", "Void",
    ];

    public static HiddenName? Find(ModelPlan plan)
    {
        var segments = plan.Namespace is null ? [] : plan.Namespace.Replace("@", "").Split('.');
        var fullName = plan.Namespace is null ? plan.ClassName : $"{string.Join(".", segments)}.{plan.ClassName}";
        if (plan.Namespace == "System" && KeywordTypes.Contains(plan.ClassName))
        {
            return new HiddenName(plan.ClassName, "class", $"the keyword type System.{plan.ClassName}");
        }

        var candidates = new HashSet<string>(segments) { plan.ClassName };
        // A name after "::" is looked up in the global namespace only (global::StaticSeq2Seq), where only a model without
        // a namespace can be found; for the others the prefilter leaves such uses, and the file's own namespace line, out.
        var afterGlobal = plan.Namespace is null ? "" : "(?<!::)";
        var anyCandidate = new Regex($@"{afterGlobal}\b({string.Join("|", candidates.Select(Regex.Escape))})\b", RegexOptions.CultureInvariant);
        var namespaceLine = plan.Namespace is null ? null : $"namespace {plan.Namespace};";
        foreach (var file in ModelEmitter.Emit(plan with { ClassName = StandIn }))
        {
            // Most names never occur in the generated code; only a file that holds one as a word is parsed, which costs
            // far more than the emission.
            var code = namespaceLine is null ? file.Source : file.Source.Replace(namespaceLine, "");
            if (!anyCandidate.IsMatch(code))
            {
                continue;
            }
            var root = CSharpSyntaxTree.ParseText(file.Source).GetRoot();
            var declared = DeclaredNames(root);
            foreach (var node in root.DescendantNodes())
            {
                if (node is IdentifierNameSyntax name && candidates.Contains(name.Identifier.ValueText)
                    && !declared.Contains(name.Identifier.ValueText)
                    && Hides(name, plan, segments.Length == 0) is { } owner)
                {
                    return new HiddenName(name.Identifier.ValueText, owner, Describe(name));
                }
                if (node is QualifiedNameSyntax or MemberAccessExpressionSyntax && Dotted(node) == fullName)
                {
                    return new HiddenName(plan.ClassName, "class", Describe(node));
                }
            }
        }
        return null;
    }

    /// <summary>Which of the model's names a simple name finds when C# looks it up, or null when it finds neither.</summary>
    private static string? Hides(IdentifierNameSyntax name, ModelPlan plan, bool inGlobalNamespace)
    {
        switch (name.Parent)
        {
            case QualifiedNameSyntax qualified when qualified.Right == name:
            case MemberAccessExpressionSyntax access when access.Name == name:
            case NameColonSyntax or NameEqualsSyntax:
                return null;
            case AliasQualifiedNameSyntax alias when alias.Name == name:
                return inGlobalNamespace && name.Identifier.ValueText == plan.ClassName ? "class" : null;
        }
        if (name.FirstAncestorOrSelf<BaseNamespaceDeclarationSyntax>() is { } declaration && declaration.Name.Span.Contains(name.Span))
        {
            return null;
        }
        if (name.FirstAncestorOrSelf<UsingDirectiveSyntax>() is not null)
        {
            return inGlobalNamespace && name.Identifier.ValueText == plan.ClassName ? "class" : null;
        }
        return name.Identifier.ValueText == plan.ClassName ? "class" : "namespace";
    }

    /// <summary>Names the generated code declares (parameters, locals, members, types): a use of one finds the declaration first.</summary>
    private static HashSet<string> DeclaredNames(SyntaxNode root)
    {
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in root.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken) && token.Parent is not (IdentifierNameSyntax or GenericNameSyntax))
            {
                declared.Add(token.ValueText);
            }
        }
        return declared;
    }

    private static string Dotted(SyntaxNode node)
    {
        var text = Regex.Replace(node.ToString(), @"\s+", "");
        return text.StartsWith("global::", StringComparison.Ordinal) ? text.Substring("global::".Length) : text;
    }

    private static string Describe(SyntaxNode node)
    {
        var use = node.Parent is MemberAccessExpressionSyntax or QualifiedNameSyntax or UsingDirectiveSyntax ? node.Parent : node;
        var text = Regex.Replace(use.ToString(), @"\s+", " ");
        return text.Length <= 60 ? text : text.Substring(0, 57) + "...";
    }
}
