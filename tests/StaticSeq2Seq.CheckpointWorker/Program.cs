using StaticSeq2Seq.Checkpoints;
using StaticSeq2Seq.CheckpointWorker;
using StaticSeq2Seq.Training;

// train <checkpoint> <until-step>: from the start, or from <checkpoint> if it exists, train until the step and save there.
// run <checkpoint>: from <checkpoint> if it exists, else from the start, train to the end, saving after every step;
//                   prints "training from <step>" once the model is ready and "saved <step>" after each save.
if (args.Length < 2 || args[0] is not ("train" or "run"))
{
    Console.Error.WriteLine("usage: train <checkpoint> <until-step> | run <checkpoint>");
    return 2;
}
var path = args[1];
var pairs = WorkerTraining.Pairs();
var model = WorkerTraining.CreateModel();
using var trainer = Resume(path, model);
if (args[0] == "train")
{
    WorkerTraining.Train(trainer, pairs, long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), _ => { });
    Checkpoint.Save(path, model, trainer: trainer);
    Console.WriteLine($"saved {trainer.StepsCompleted}");
    return 0;
}
Console.WriteLine($"training from {trainer.StepsCompleted}");
WorkerTraining.Train(trainer, pairs, WorkerTraining.TotalSteps, step =>
{
    Checkpoint.Save(path, model, trainer: trainer);
    Console.WriteLine($"saved {step}");
});
Console.WriteLine($"finished {trainer.StepsCompleted}");
return 0;

// The trainer's epochs count from where the checkpoint stands, so the run still ends after WorkerTraining.Epochs.
static Seq2SeqTrainer Resume(string path, WorkerModel model)
{
    if (!File.Exists(path))
    {
        return new Seq2SeqTrainer(model, WorkerTraining.Options(WorkerTraining.Epochs));
    }
    var saved = Checkpoint.ReadInfo(path).Training!;
    var trainer = new Seq2SeqTrainer(model, WorkerTraining.Options(WorkerTraining.Epochs - saved.EpochsCompleted));
    Checkpoint.Load(path, model, trainer);
    return trainer;
}
