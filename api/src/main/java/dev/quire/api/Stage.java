package dev.quire.api;

/**
 * One step of a pipeline run ({@code pretrain}, {@code evaluate}, {@code sample}, ...): the
 * component of kind {@link ComponentKind#STAGE}. Stages run in the order a pipeline file lists them
 * and pass results (a model, a tokenizer) to later stages through the context.
 */
public interface Stage {

    /**
     * Runs the stage.
     *
     * @throws Exception any failure; the runtime reports it and stops the run with a non-zero exit
     */
    void run(StageContext context) throws Exception;
}
