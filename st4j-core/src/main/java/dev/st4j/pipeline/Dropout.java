package dev.st4j.pipeline;

/** Dropout does nothing at inference time; it is accepted so that models listing it load. */
final class Dropout implements Module {
    @Override
    public void forward(Features features) {}

    @Override
    public String typeName() {
        return "Dropout";
    }
}
