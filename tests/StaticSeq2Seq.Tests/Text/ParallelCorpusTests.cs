using System.Text;
using StaticSeq2Seq.Text;
using Xunit;

namespace StaticSeq2Seq.Tests.Text;

public sealed class ParallelCorpusTests
{
    [Fact]
    public void Reads_tab_separated_pairs_as_written()
    {
        var pairs = ParallelCorpus.ReadTsv(new StringReader("Go.\tVa !\nI'm OK. \t Je vais bien.\n"));

        Assert.Equal([new SentencePair("Go.", "Va !"), new SentencePair("I'm OK. ", " Je vais bien.")], pairs);
    }

    [Fact]
    public void Skips_blank_lines_and_accepts_crlf_and_a_byte_order_mark()
    {
        var pairs = ParallelCorpus.ReadTsv(new StringReader("\uFEFFa\tb\r\n\r\n   \r\nc\td\r\n\n"));

        Assert.Equal([new SentencePair("a", "b"), new SentencePair("c", "d")], pairs);
    }

    [Fact]
    public void Reads_nothing_from_an_empty_reader()
    {
        Assert.Empty(ParallelCorpus.ReadTsv(new StringReader("")));
    }

    [Fact]
    public void A_line_without_a_tab_is_an_error_that_names_the_line()
    {
        var exception = Assert.Throws<CorpusFormatException>(
            () => ParallelCorpus.ReadTsv(new StringReader("a\tb\n\nGo.    Va !\n")));

        Assert.Equal(3, exception.LineNumber);
        Assert.Equal("the reader", exception.SourceName);
        Assert.StartsWith("the reader, line 3: ", exception.Message, StringComparison.Ordinal);
        Assert.Contains("no tab", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Go.    Va !", exception.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FormatException>(exception);
    }

    [Fact]
    public void A_third_column_is_an_error_unless_extra_columns_are_ignored()
    {
        const string Anki = "Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)\n";

        var exception = Assert.Throws<CorpusFormatException>(() => ParallelCorpus.ReadTsv(new StringReader(Anki)));
        Assert.Equal(1, exception.LineNumber);
        Assert.Contains("found 3", exception.Message, StringComparison.Ordinal);
        Assert.Contains("ignoreExtraColumns", exception.Message, StringComparison.Ordinal);

        Assert.Equal([new SentencePair("Go.", "Va !")], ParallelCorpus.ReadTsv(new StringReader(Anki), ignoreExtraColumns: true));
    }

    [Theory]
    [InlineData("\tVa !", "source")]
    [InlineData("Go.\t", "target")]
    [InlineData("Go.\t   ", "target")]
    public void An_empty_sentence_is_an_error(string line, string side)
    {
        var exception = Assert.Throws<CorpusFormatException>(() => ParallelCorpus.ReadTsv(new StringReader("a\tb\n" + line + "\n")));

        Assert.Equal(2, exception.LineNumber);
        Assert.Contains($"the {side} sentence", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_from_a_file_name_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"corpus-{Guid.NewGuid():N}.tsv");
        try
        {
            File.WriteAllText(path, "a\tb\nbroken\n");

            var exception = Assert.Throws<CorpusFormatException>(() => ParallelCorpus.ReadTsv(path));

            Assert.Equal(path, exception.SourceName);
            Assert.StartsWith($"{path}, line 2: ", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Invalid_utf8_is_a_format_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"corpus-{Guid.NewGuid():N}.tsv");
        try
        {
            File.WriteAllBytes(path, [(byte)'a', (byte)'\t', 0xC3, 0x28, (byte)'\n']);

            var exception = Assert.Throws<CorpusFormatException>(() => ParallelCorpus.ReadTsv(path));

            Assert.Equal(1, exception.LineNumber);
            Assert.Contains("UTF-8", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_file_is_reported_as_such()
    {
        Assert.Throws<FileNotFoundException>(() => ParallelCorpus.ReadTsv(Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.tsv")));
    }

    [Fact]
    public void Writes_what_it_reads()
    {
        SentencePair[] pairs = [new("i m ok", "je vais bien"), new("she s sad !", "elle est triste !"), new("caf\u00e9", "\u00e7a")];
        var path = Path.Combine(Path.GetTempPath(), $"corpus-{Guid.NewGuid():N}.tsv");
        try
        {
            ParallelCorpus.WriteTsv(path, pairs);

            var bytes = File.ReadAllBytes(path);
            Assert.NotEqual(0xEF, bytes[0]); // no byte-order mark
            Assert.Equal("i m ok\tje vais bien\nshe s sad !\telle est triste !\ncaf\u00e9\t\u00e7a\n", Encoding.UTF8.GetString(bytes));
            Assert.Equal(pairs, ParallelCorpus.ReadTsv(path));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.*"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("a\tb", "x")]
    [InlineData("a", "x\ny")]
    [InlineData("a", "x\r")]
    [InlineData("", "x")]
    [InlineData("a", " ")]
    public void Refuses_to_write_a_pair_it_could_not_read_back(string source, string target)
    {
        var writer = new StringWriter();

        var exception = Assert.Throws<ArgumentException>(() => ParallelCorpus.WriteTsv(writer, [new SentencePair("ok", "ok"), new SentencePair(source, target)]));

        Assert.Contains("pair 1", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_null()
    {
        Assert.Throws<ArgumentNullException>(() => ParallelCorpus.ReadTsv((string)null!));
        Assert.Throws<ArgumentNullException>(() => ParallelCorpus.ReadTsv((TextReader)null!));
        Assert.Throws<ArgumentNullException>(() => ParallelCorpus.WriteTsv(new StringWriter(), null!));
        Assert.Throws<ArgumentNullException>(() => ParallelCorpus.WriteTsv(new StringWriter(), [null!]));
        Assert.Throws<ArgumentNullException>(() => new SentencePair(null!, "a"));
        Assert.Throws<ArgumentNullException>(() => new SentencePair("a", "b") with { Target = null! });
    }
}
