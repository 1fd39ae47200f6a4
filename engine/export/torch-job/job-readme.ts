// The README.md of a PyTorch training job: what is in the directory, the torchrun lines for one
// machine and for several, CPU (gloo) or GPU (NCCL), and how the job and Blocksmith hand over.

import type { DataSource } from '../../protocol/training-config.ts';

interface ReadmeJob {
  epochs: number;
  batch_size: number;
  per_process_batch: boolean;
  scale_lr: string;
  loss: string;
  optimizer: { name: string; learningRate: number };
  seed: number;
  train_size: number;
  validation_size: number;
  data: { kind: string; source: DataSource };
}

/** A text source's note: where the text is, and how Generate finds the vocabulary of a checkpoint. */
function textNote(job: ReadmeJob): string {
  if (job.data.source.kind !== 'text') return '';
  const path = job.data.source.path;
  return `
The data is the text \`${path}\` (read from that path on every machine): its characters are the
vocabulary. To generate from a checkpoint, give Blocksmith the same file — the Training tab's data
path before Generate, or
\`blocksmith generate document.json --params checkpoints/checkpoint-step<N>.safetensors --text ${path}\`.
`;
}

export function jobReadme({ title, nproc, job }: { title: string; nproc: number; job: ReadmeJob }): string {
  const batch = job.per_process_batch
    ? `${job.batch_size} per process (the global batch grows with the processes)`
    : `${job.batch_size} in all, split across the processes (each takes ${job.batch_size} / processes)`;
  return `# ${title}: a PyTorch distributed training job

Exported by Blocksmith (\`blocksmith export DOC.json --torch-job DIR\` or the editor's
Training › Export training job…). It trains the document's model with the document's training
settings — ${job.epochs} epoch(s), loss ${job.loss}, ${job.optimizer.name} at learning rate
${job.optimizer.learningRate}, batch ${batch}, seed ${job.seed}, ${job.train_size} training and
${job.validation_size} validation samples — with PyTorch's DistributedDataParallel.

| file | what |
| --- | --- |
| \`model.py\` | the model as a PyTorch \`nn.Module\` (Blocksmith's PyTorch export) |
| \`train.py\` | the training loop: DDP, a \`DistributedSampler\` in Blocksmith's order, metrics and checkpoints on rank 0 |
| \`blocksmith_job.py\` | data, Blocksmith's optimizers and schedules, the checkpoint files |
| \`job.json\` | the training settings; \`document.json\` the document; \`init.safetensors\` the starting parameters |
| \`data/\` | the data (or, for a file referenced by path, Blocksmith's train / validation split of it) |

Needs Python 3 with PyTorch (1.13 or newer) and numpy on every machine. Run the commands below in
this directory.

## One machine

    torchrun --standalone --nproc_per_node=${nproc} train.py          # ${nproc} processes; CPU (gloo) or, with CUDA, GPU (NCCL)
    torchrun --standalone --nproc_per_node=gpu train.py        # one process per GPU
    torchrun --standalone --nproc_per_node=${nproc} train.py --device cpu
    python3 train.py                                           # one process, no torchrun

## Several machines

Start the same command on every machine (this directory copied to each, or on a shared file
system); HOST is one of them, reachable from the others on port 29400:

    torchrun --nnodes=2 --nproc_per_node=${nproc} --rdzv_id=blocksmith --rdzv_backend=c10d --rdzv_endpoint=HOST:29400 train.py

Only rank 0 (on one machine) writes \`metrics.jsonl\` and \`checkpoints/\`.

## Options

    --epochs N            total epochs (default ${job.epochs})
    --device auto|cpu|cuda
    --scale-lr none|linear|sqrt   multiply the learning rate by processes (linear) or √processes (default ${job.scale_lr})
    --per-process-batch   the batch size is per process instead of split across them
    --checkpoint-every N  steps between checkpoints (always one at the end)
    --shuffle blocksmith|torch    Blocksmith's epoch order (default: the editor's very batches) or DistributedSampler's
    --resume CKPT.npz     continue from a Blocksmith checkpoint (the editor's, or this job's; "latest" for the newest here)
    --init FILE.safetensors   start from other parameters (Blocksmith names, e.g. a trained export)
    --out DIR             where metrics.jsonl and checkpoints/ go (default: here)

## What comes back

- \`metrics.jsonl\`: one JSON object a line — \`start\`, \`step\` (step, epoch, loss, accuracy, learningRate,
  samplesPerSecond), \`epoch\` (trainLoss, validationLoss, validationAccuracy, …), \`checkpoint\`, \`end\`.
- \`checkpoints/checkpoint-step<N>.safetensors\`: the parameters with the document embedded, as Blocksmith
  writes them: File › Open in Blocksmith (or \`blocksmith export\` / \`run\`) opens it as the trained model.
- \`checkpoints/checkpoint-step<N>.npz\`: a Blocksmith training checkpoint (parameters, optimizer state,
  position): the editor's Resume from checkpoint continues the run there, and \`--resume\` here.

Blocksmith's Training tab follows this directory (Follow job directory), locally or synced from a cluster.
${textNote(job)}`;
}
