// Property tests draw their cases from a fixed seed, so CI runs are reproducible;
// FC_SEED=<n> explores other cases (and a failure prints the seed to replay).
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261126) });
