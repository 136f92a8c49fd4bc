using System;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticSeq2Seq.Generators.Emit;
using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Validation;

/// <summary>
/// Finds a member the generator would add to the model class under the class's own name, which C# forbids (CS0542):
/// a class named <c>Forward</c>, <c>Layout</c>, <c>HiddenSize</c> or <c>EncoderLayer0Backward</c> cannot be completed.
/// The members depend on the plan (layers, cell, attention), so the check reads the emitted code itself rather than a
/// list that could drift from it; it parses only a file where the class name is followed by what a member declaration puts after its name.
/// </summary>
internal static class GeneratedMemberNames
{
    /// <summary>The kind of the member named like the class (<c>method</c>, <c>field</c>, ...), or null if there is none.</summary>
    public static string? Find(ModelPlan plan)
    {
        var name = plan.ClassName;
        foreach (var file in ModelEmitter.Emit(plan))
        {
            // A member declaration puts '(', '=', ';', '{' or '<' after its name on the same line; the class header does
            // not. A file without that pattern declares no such member and is not parsed.
            if (!Regex.IsMatch(file.Source, $@"\b{Regex.Escape(name)}[ \t]*[(=;{{<]", RegexOptions.CultureInvariant))
            {
                continue;
            }
            var root = CSharpSyntaxTree.ParseText(file.Source).GetRoot();
            foreach (var node in root.DescendantNodes())
            {
                if (node is TypeDeclarationSyntax { Parent: BaseNamespaceDeclarationSyntax or CompilationUnitSyntax } model
                    && model.Identifier.ValueText == name
                    && Clash(model, name) is { } kind)
                {
                    return kind;
                }
            }
        }
        return null;
    }

    private static string? Clash(TypeDeclarationSyntax model, string name)
    {
        foreach (var member in model.Members)
        {
            switch (member)
            {
                case MethodDeclarationSyntax method when method.Identifier.ValueText == name: return "method";
                case PropertyDeclarationSyntax property when property.Identifier.ValueText == name: return "property";
                case BaseTypeDeclarationSyntax type when type.Identifier.ValueText == name: return "nested type";
                case BaseFieldDeclarationSyntax field:
                    foreach (var variable in field.Declaration.Variables)
                    {
                        if (variable.Identifier.ValueText == name)
                        {
                            return field.Modifiers.Any(SyntaxKind.ConstKeyword) ? "constant" : "field";
                        }
                    }
                    break;
            }
        }
        return null;
    }
}
