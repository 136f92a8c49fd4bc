using System.Xml.Linq;
using StaticSeq2Seq.Visualization;
using Xunit;

namespace StaticSeq2Seq.Tests.Visualization;

public sealed class AttentionHeatmapTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly string[] Source = ["je", "suis", "<b>&\"'", "!"];
    private static readonly string[] Target = ["i", "am", "<eos>"];

    private static float[,] Weights() => new float[,]
    {
        { 0.9f, 0.1f, 0f, 0f },
        { 0.05f, 0.8f, 0.15f, 0f },
        { 0f, 0f, 0.25f, 0.75f },
    };

    [Fact]
    public void Is_well_formed_svg_with_one_cell_per_weight()
    {
        var document = XDocument.Parse(AttentionHeatmap.ToSvg(Weights(), Source, Target, "A & B"));

        Assert.Equal(Svg + "svg", document.Root!.Name);
        var cells = Cells(document);
        Assert.Equal(12, cells.Count);
        for (var row = 0; row < 3; row++)
        {
            for (var column = 0; column < 4; column++)
            {
                var cell = Assert.Single(cells, c => (int)c.Attribute("data-row")! == row && (int)c.Attribute("data-column")! == column);
                Assert.Equal(Weights()[row, column], (float)cell.Attribute("data-weight")!);
                Assert.Equal($"{Target[row]} \u2190 {Source[column]}", ((string)cell.Element(Svg + "title")!).Split(':')[0]);
            }
        }
    }

    [Fact]
    public void Labels_both_axes_and_escapes_them()
    {
        var svg = AttentionHeatmap.ToSvg(Weights(), Source, Target, "<Attention> & \"more\"");
        var document = XDocument.Parse(svg);

        Assert.Equal(Source, Texts(document, "source-labels"));
        Assert.Equal(Target, Texts(document, "target-labels"));
        Assert.Equal("<Attention> & \"more\"", (string)document.Root!.Element(Svg + "title")!);
        Assert.Contains("&lt;b&gt;&amp;", svg, StringComparison.Ordinal);
        Assert.Contains("&lt;Attention&gt; &amp;", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Titles_itself_attention_by_default()
    {
        var document = XDocument.Parse(AttentionHeatmap.ToSvg(Weights(), Source, Target));

        Assert.Equal("Attention", (string)document.Root!.Element(Svg + "title")!);
    }

    [Fact]
    public void Shades_from_white_at_0_to_dark_blue_at_1()
    {
        var cells = Cells(XDocument.Parse(AttentionHeatmap.ToSvg(new float[,] { { 0f, 0.5f, 1f } }, ["a", "b", "c"], ["x"])));

        Assert.Equal(["#f7fbff", "#6baed6", "#08306b"], cells.Select(c => (string)c.Attribute("fill")!));
    }

    [Fact]
    public void Prints_each_visible_weight_in_its_cell()
    {
        var document = XDocument.Parse(AttentionHeatmap.ToSvg(Weights(), Source, Target));

        Assert.Equal(["0.90", "0.10", "0.05", "0.80", "0.15", "0.25", "0.75"], Texts(document, "values"));
    }

    [Fact]
    public void Row_major_spans_draw_the_same_picture_as_matrices()
    {
        float[] flat = [0.9f, 0.1f, 0f, 0f, 0.05f, 0.8f, 0.15f, 0f, 0f, 0f, 0.25f, 0.75f];

        Assert.Equal(AttentionHeatmap.ToSvg(Weights(), Source, Target), AttentionHeatmap.ToSvg(flat, Source, Target));
    }

    [Fact]
    public void Replaces_characters_xml_cannot_hold_and_shortens_long_labels()
    {
        var longWord = new string('x', 40);
        var document = XDocument.Parse(AttentionHeatmap.ToSvg(new float[,] { { 1f, 0f } }, ["a\u0001b", longWord], ["\uD800"]));

        var labels = Texts(document, "source-labels");
        Assert.Equal("a\uFFFDb", labels[0]);
        Assert.Equal(new string('x', 23) + "\u2026", labels[1]);
        Assert.Equal(["\uFFFD"], Texts(document, "target-labels"));
        Assert.EndsWith($"{longWord}: 0.000", (string)Cells(document)[1].Element(Svg + "title")!, StringComparison.Ordinal);
    }

    [Fact]
    public void Clamps_rounding_error_but_rejects_weights_outside_0_to_1()
    {
        var cells = Cells(XDocument.Parse(AttentionHeatmap.ToSvg(new float[,] { { 1.0004f, -0.0004f } }, ["a", "b"], ["x"])));
        Assert.Equal(["1", "0"], cells.Select(c => (string)c.Attribute("data-weight")!));

        foreach (var bad in new[] { float.NaN, float.PositiveInfinity, 1.5f, -0.1f })
        {
            var exception = Assert.Throws<ArgumentOutOfRangeException>(() => AttentionHeatmap.ToSvg(new float[,] { { 0.5f, bad } }, ["a", "b"], ["x"]));
            Assert.Contains("output token 0 and source token 1", exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Rejects_shapes_that_do_not_match_the_tokens()
    {
        var matrix = Assert.Throws<ArgumentException>(() => AttentionHeatmap.ToSvg(Weights(), Target, Source));
        Assert.Contains("3 x 4", matrix.Message, StringComparison.Ordinal);

        var span = Assert.Throws<ArgumentException>(() => AttentionHeatmap.ToSvg(new float[11], Source, Target));
        Assert.Contains("11 weights", span.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => AttentionHeatmap.ToSvg(new float[0, 0], [], []));
        Assert.Throws<ArgumentNullException>(() => AttentionHeatmap.ToSvg(Weights(), ["a", null!, "c", "d"], Target));
        Assert.Throws<ArgumentNullException>(() => AttentionHeatmap.ToSvg((float[,])null!, Source, Target));
    }

    [Fact]
    public void Saves_a_file_and_replaces_an_old_one()
    {
        var directory = Directory.CreateTempSubdirectory("heatmap-");
        try
        {
            var path = Path.Combine(directory.FullName, "attention.svg");
            File.WriteAllText(path, "old");

            AttentionHeatmap.Save(path, Weights(), Source, Target, "Saved");

            Assert.Equal(AttentionHeatmap.ToSvg(Weights(), Source, Target, "Saved"), File.ReadAllText(path));
            Assert.Equal(["attention.svg"], directory.GetFiles().Select(f => f.Name));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static List<XElement> Cells(XDocument document) =>
        document.Descendants(Svg + "rect").Where(e => (string?)e.Attribute("class") == "cell").ToList();

    private static List<string> Texts(XDocument document, string group) =>
        document.Descendants(Svg + "g")
            .Single(g => (string?)g.Attribute("class") == group)
            .Elements(Svg + "text")
            .Select(t => t.Value)
            .ToList();
}
