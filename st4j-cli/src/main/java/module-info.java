/**
 * The {@code st4j} command line. Its commands are picocli classes, which picocli fills by reflection; nothing is
 * exported. The backends (st4j-onnx, st4j-engine) and embedded models are found at run time, not required.
 */
module dev.st4j.cli {
    requires dev.st4j;
    requires dev.st4j.server;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;

    opens dev.st4j.cli to info.picocli;
}
