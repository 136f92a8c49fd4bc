using Translate.Commands;

namespace Translate.Tests;

/// <summary>Runs the program's command line in-process with the given standard input, capturing what it writes.</summary>
internal static class CommandRunner
{
    public static CommandOutcome Run(string input, params string[] args) => Run(input, CancellationToken.None, null, args);

    /// <param name="onLine">Sees every line the program writes to standard output, as it is written.</param>
    public static CommandOutcome Run(string input, CancellationToken cancellationToken, Action<string>? onLine, params string[] args)
    {
        var output = new WatchedWriter(onLine);
        var error = new StringWriter { NewLine = "\n" };
        var context = new CommandContext(new StringReader(input), output, error, OutputIsTerminal: false);
        var exitCode = TranslateCommandLine.Run(args, context, cancellationToken);
        return new CommandOutcome(exitCode, output.ToString(), error.ToString());
    }

    private sealed class WatchedWriter(Action<string>? onLine) : StringWriter
    {
        public override string NewLine => "\n";

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            onLine?.Invoke(value ?? "");
        }
    }
}

public sealed record CommandOutcome(int ExitCode, string Output, string Error)
{
    public string[] OutputLines => Output.Split('\n')[..^1];
}
