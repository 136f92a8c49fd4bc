namespace Translate.Commands;

/// <summary>Where a command reads its input and writes its results, messages and progress.</summary>
/// <param name="Input">The sentences <c>decode</c> translates.</param>
/// <param name="Output">Results.</param>
/// <param name="Error">Errors and warnings.</param>
/// <param name="OutputIsTerminal">Whether <paramref name="Output"/> is a terminal, where the progress bar is redrawn in place.</param>
internal sealed record CommandContext(TextReader Input, TextWriter Output, TextWriter Error, bool OutputIsTerminal)
{
    public static CommandContext ForConsole() => new(Console.In, Console.Out, Console.Error, !Console.IsOutputRedirected);

    /// <summary>Within an epoch, a redrawn bar can be updated often; lines in a log only every few seconds.</summary>
    public TimeSpan ProgressInterval => OutputIsTerminal ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(5);
}
