namespace Translate.Commands;

/// <summary>A command cannot do its work; the message says why and what to do. The program prints it and exits with 1.</summary>
internal sealed class CommandFailedException(string message) : Exception(message);
