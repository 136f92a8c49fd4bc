using System;
using System.Text;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>Writes indented C#; <see cref="Block"/> opens a brace block that closes when disposed.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder builder = new();
    private int indent;

    public CodeWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            builder.Append(' ', indent * 4);
        }
        builder.Append(text).Append('\n');
        return this;
    }

    /// <summary>Writes <paramref name="header"/> (or nothing, for a bare scope) and an opening brace.</summary>
    public IDisposable Block(string header)
    {
        if (header.Length > 0)
        {
            Line(header);
        }
        Line("{");
        indent++;
        return new Closer(this);
    }

    public void Indent() => indent++;

    public void Outdent() => indent--;

    public override string ToString() => builder.ToString();

    private sealed class Closer(CodeWriter writer) : IDisposable
    {
        public void Dispose()
        {
            writer.indent--;
            writer.Line("}");
        }
    }
}
