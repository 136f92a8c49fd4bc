using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using StaticSeq2Seq;
using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.Text;

namespace Translate.Commands;

/// <summary>
/// The program's commands. Without one it does its main job: train, evaluate, print samples and write heat maps.
/// Exit codes: 0 done, 1 failed (the message on standard error says why), 2 a usage error, 130 training interrupted.
/// </summary>
internal static class TranslateCommandLine
{
    public const int Failed = 1;
    public const int UsageError = 2;

    private const string DefaultCheckpoint = "translator.safetensors";

    /// <summary>Runs the command <paramref name="args"/> name and returns the exit code.</summary>
    /// <param name="args">The command line's arguments.</param>
    /// <param name="context">Where the command reads and writes.</param>
    /// <param name="cancellationToken">Interrupts training as Ctrl+C does (which also does so).</param>
    public static int Run(string[] args, CommandContext context, CancellationToken cancellationToken = default)
    {
        var parseResult = Create(context).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                context.Error.WriteLine(error.Message);
            }
            var command = parseResult.CommandResult.Command;
            context.Error.WriteLine($"Run 'Translate {(command is RootCommand ? "" : command.Name + " ")}--help' for usage.");
            return UsageError;
        }
        var configuration = new InvocationConfiguration
        {
            Output = context.Output,
            Error = context.Error,
            // Long enough for an interrupted training run to save its checkpoint.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(60),
        };
        return parseResult.InvokeAsync(configuration, cancellationToken).GetAwaiter().GetResult();
    }

    public static RootCommand Create(CommandContext context)
    {
        var root = new RootCommand(
            "English-to-French translation with a GRU encoder-decoder and Bahdanau attention, on the PyTorch tutorial's Tatoeba pairs. " +
            "Without a command: train for --epochs (nothing is saved), report validation loss, BLEU and exact match, " +
            "print sample translations and write attention heat maps to --out.");
        var epochs = PositiveInt("--epochs", "Epochs to train (at most; early stopping can end training sooner)", TranslatorTraining.DefaultEpochs);
        var outFolder = new Option<string>("--out")
        {
            Description = "Folder for the attention heat maps",
            HelpName = "folder",
            DefaultValueFactory = _ => MainJob.DefaultOutFolder(),
        };
        root.Options.Add(epochs);
        root.Options.Add(outFolder);
        root.SetAction(result => Guarded(context, () => MainJob.Run(context, result.GetValue(epochs), Path.GetFullPath(result.GetValue(outFolder)!))));

        root.Subcommands.Add(Train(context));
        root.Subcommands.Add(Resume(context));
        root.Subcommands.Add(Evaluate(context));
        root.Subcommands.Add(Decode(context));
        return root;
    }

    private static Command Train(CommandContext context)
    {
        var checkpoint = CheckpointOption("Where to save the checkpoint, after every epoch and at the end");
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing checkpoint instead of refusing to" };
        var epochs = PositiveInt("--epochs", "Epochs to train (at most; early stopping can end training sooner)", TranslatorTraining.DefaultEpochs);
        var seed = new Option<ulong>("--seed")
        {
            HelpName = "n",
            Description = "Seeds the order of the training pairs in each epoch",
            DefaultValueFactory = _ => TranslatorTraining.DefaultSeed,
        };
        var initSeed = new Option<ulong>("--init-seed")
        {
            HelpName = "n",
            Description = "Seeds the initial parameters",
            DefaultValueFactory = _ => TranslatorTraining.DefaultInitializationSeed,
        };
        var batchSize = PositiveInt("--batch-size", "Pairs per optimizer step", TranslatorTraining.DefaultBatchSize);
        var learningRate = new Option<float>("--learning-rate")
        {
            Description = "Adam's learning rate for the first four epochs (then 0.75 times the previous epoch's)",
            HelpName = "rate",
            DefaultValueFactory = _ => TranslatorTraining.DefaultLearningRate,
            CustomParser = ParsePositiveFloat,
        };
        var trainPairs = OptionalPositiveInt("--train-pairs", "Train on the first n pairs of the training split (default: all 8,325)");
        var validationPairs = OptionalPositiveInt("--validation-pairs", "Validate on the first n pairs of the validation split (default: all 925)");
        var dropout = new Option<float>("--dropout")
        {
            Description = "The probability of zeroing each element of the embedded English and French tokens in training, as the PyTorch tutorial's dropout",
            HelpName = "rate",
            DefaultValueFactory = _ => TranslatorTraining.DefaultEmbeddingDropout,
            CustomParser = ParseDropoutRate,
        };
        var command = new Command("train", "Train a new model, saving a checkpoint after every epoch")
        {
            checkpoint, overwrite, epochs, seed, initSeed, batchSize, learningRate, trainPairs, validationPairs, dropout,
        };
        command.SetAction((result, cancellationToken) => Task.FromResult(Guarded(context, () => TrainCommand.Run(
            context,
            new TrainCommand.Arguments(
                result.GetValue(checkpoint)!, result.GetValue(overwrite), result.GetValue(epochs), result.GetValue(seed), result.GetValue(initSeed),
                result.GetValue(batchSize), result.GetValue(learningRate), result.GetValue(trainPairs), result.GetValue(validationPairs),
                result.GetValue(dropout)),
            cancellationToken))));
        return command;
    }

    private static Command Resume(CommandContext context)
    {
        var checkpoint = CheckpointOption("The checkpoint of the run to continue; it is updated after every epoch");
        var command = new Command("resume", "Continue a 'train' run from its checkpoint exactly where it stopped") { checkpoint };
        command.SetAction((result, cancellationToken) =>
            Task.FromResult(Guarded(context, () => ResumeCommand.Run(context, result.GetValue(checkpoint)!, cancellationToken))));
        return command;
    }

    private static Command Evaluate(CommandContext context)
    {
        var checkpoint = CheckpointOption("The checkpoint to evaluate");
        var beam = BeamOption(5);
        var validationPairs = OptionalPositiveInt("--validation-pairs", "Evaluate on the first n pairs of the validation split (default: all 925)");
        var decodeWeights = new Option<DecodeWeightFormat>("--decode-weights")
        {
            Description = "The weights decoding multiplies by: Float32, BFloat16, Int8 or Int8Dynamic (int8 activations too; all but Float32 also compared with Float32's decodes)",
            HelpName = "format",
            DefaultValueFactory = _ => DecodeWeightFormat.Float32,
            CustomParser = ParseDecodeWeightFormat,
        };
        var command = new Command("evaluate", "Report a checkpoint's validation loss, corpus BLEU and exact match, greedy and with a beam")
        {
            checkpoint, beam, validationPairs, decodeWeights,
        };
        command.SetAction(result => Guarded(context, () =>
            EvaluateCommand.Run(context, result.GetValue(checkpoint)!, result.GetValue(beam), result.GetValue(validationPairs), result.GetValue(decodeWeights))));
        return command;
    }

    private static Command Decode(CommandContext context)
    {
        var checkpoint = CheckpointOption("The checkpoint to translate with");
        var beam = BeamOption(5);
        var command = new Command(
            "decode",
            "Translate English sentences, one per line of standard input (normalised as the training data: lower case, no accents or " +
            "punctuation but ! and ?), into one line of French each on standard output")
        {
            checkpoint, beam,
        };
        command.SetAction(result => Guarded(context, () => DecodeCommand.Run(context, result.GetValue(checkpoint)!, result.GetValue(beam))));
        return command;
    }

    // Failures the user can act on become a message and exit code 1; anything else is a bug and keeps its stack trace.
    private static int Guarded(CommandContext context, Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception error) when (error is CommandFailedException or CheckpointException or CorpusFormatException or IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"Translate: {error.Message}");
            return Failed;
        }
    }

    private static Option<string> CheckpointOption(string description) => new("--checkpoint")
    {
        Description = description,
        HelpName = "path",
        DefaultValueFactory = _ => DefaultCheckpoint,
    };

    private static Option<int> BeamOption(int defaultWidth) => new("--beam")
    {
        Description = "Beam width; 1 decodes greedily (GNMT length penalty 0.6)",
        HelpName = "width",
        DefaultValueFactory = _ => defaultWidth,
        CustomParser = result => ParseInt(result, minimum: 1, maximum: 64),
    };

    private static Option<int> PositiveInt(string name, string description, int defaultValue) => new(name)
    {
        Description = description,
        HelpName = "n",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseInt(result, minimum: 1, maximum: int.MaxValue),
    };

    private static Option<int?> OptionalPositiveInt(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "n",
        CustomParser = result => ParseInt(result, minimum: 1, maximum: int.MaxValue),
    };

    private static int ParseInt(ArgumentResult result, int minimum, int maximum)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum)
        {
            return value;
        }
        var range = maximum == int.MaxValue ? $"a whole number of at least {minimum}" : $"a whole number from {minimum} to {maximum}";
        result.AddError($"{OptionName(result)} takes {range}, not '{text}'.");
        return minimum;
    }

    private static float ParsePositiveFloat(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && float.IsFinite(value))
        {
            return value;
        }
        result.AddError($"{OptionName(result)} takes a positive number such as 0.002, not '{text}'.");
        return 1f;
    }

    private static float ParseDropoutRate(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0f and < 1f)
        {
            return value;
        }
        result.AddError($"{OptionName(result)} takes a rate from 0 up to, not including, 1, such as 0.1, not '{text}'.");
        return 0f;
    }

    private static DecodeWeightFormat ParseDecodeWeightFormat(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (Enum.TryParse<DecodeWeightFormat>(text, ignoreCase: true, out var format) && Enum.IsDefined(format) && char.IsAsciiLetter(text[0]))
        {
            return format;
        }
        result.AddError($"{OptionName(result)} takes {string.Join(" or ", Enum.GetNames<DecodeWeightFormat>())}, not '{text}'.");
        return DecodeWeightFormat.Float32;
    }

    private static string OptionName(ArgumentResult result) =>
        result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
