/**
 * The model of Quire: a decoder-only GPT in the style of nanoGPT ({@link dev.quire.model.Gpt}), the
 * character tokenizer, learned and sinusoidal positional encodings, cosine, linear, step and constant
 * learning-rate schedules, the training loop ({@link dev.quire.model.Trainer}) and sampling with a key/value cache
 * ({@link dev.quire.model.Generator}), and supervised fine-tuning on prompt/completion pairs
 * ({@link dev.quire.model.Finetuner}) with freezing ({@link dev.quire.model.Freezing}) and LoRA adapters
 * ({@link dev.quire.model.Lora}).
 */
module dev.quire.model {
    requires transitive dev.quire.api;
    requires dev.quire.json; // prompt/completion JSON lines

    exports dev.quire.model;

    uses dev.quire.api.ComponentProvider;

    provides dev.quire.api.ComponentProvider with
            dev.quire.model.CharTokenizerProvider,
            dev.quire.model.LearnedPositionalProvider,
            dev.quire.model.SinusoidalPositionalProvider,
            dev.quire.model.CosineScheduleProvider,
            dev.quire.model.ConstantScheduleProvider,
            dev.quire.model.LinearScheduleProvider,
            dev.quire.model.StepScheduleProvider;
}
