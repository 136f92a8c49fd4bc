using Translate.Commands;

// English -> French, as in the PyTorch tutorial "Translation with a Sequence to Sequence Network and Attention": a GRU
// encoder-decoder with Bahdanau attention trained on the tutorial's filtered Tatoeba pairs. Without a command it trains,
// evaluates, prints samples and writes attention heat maps; train, resume, evaluate and decode work with checkpoints.
//
//   dotnet run -c Release --project examples/Translate [-- --epochs N] [--out folder]
//   dotnet run -c Release --project examples/Translate -- train|resume|evaluate|decode [options]   (--help for each)
return TranslateCommandLine.Run(args, CommandContext.ForConsole());
