package dev.st4j.internal.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.st4j.ModelFormatException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Wire-format bytes written by hand from the protobuf encoding rules (developers.google.com/protocol-buffers). */
class ProtobufReaderTest {
    private static ProtobufReader reader(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return ProtobufReader.of(Path.of("m.onnx"), "ONNX protobuf", ByteBuffer.wrap(b));
    }

    @Test
    void readsTheDocumentedExamples() {
        // field 1 varint 150 (08 96 01); field 2 string "testing" (12 07 74 65 73 74 69 6e 67); float 1.0f, field 3
        ProtobufReader r = reader(0x08, 0x96, 0x01, 0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
                0x1d, 0x00, 0x00, 0x80, 0x3f);
        int tag = r.tag();
        assertEquals(1, ProtobufReader.field(tag));
        assertEquals(ProtobufReader.VARINT, ProtobufReader.wireType(tag));
        assertEquals(150, r.varint());
        tag = r.tag();
        assertEquals(2, ProtobufReader.field(tag));
        assertEquals(ProtobufReader.LEN, ProtobufReader.wireType(tag));
        assertEquals("testing", r.string());
        tag = r.tag();
        assertEquals(ProtobufReader.FIXED32, ProtobufReader.wireType(tag));
        assertEquals(1.0f, r.float32());
        assertFalse(r.more());
    }

    @Test
    void subMessagesAndSkippedFieldsStayInsideTheirBytes() {
        // field 3: a 5-byte sub-message {field 1 = 300 (08 ac 02), field 2 = 1 (10 01)}, then field 4 = 7 (20 07)
        ProtobufReader r = reader(0x1a, 0x05, 0x08, 0xac, 0x02, 0x10, 0x01, 0x20, 0x07);
        assertEquals(3, ProtobufReader.field(r.tag()));
        ProtobufReader sub = r.sub();
        assertEquals(2, sub.position());
        assertEquals(7, sub.end());
        sub.skip(sub.tag());               // 300
        assertEquals(2, ProtobufReader.field(sub.tag()));
        assertEquals(1, sub.varint());
        assertFalse(sub.more());
        assertEquals(4, ProtobufReader.field(r.tag()));
        assertEquals(7, r.varint());
        assertFalse(r.more());
    }

    @Test
    void aLengthPastItsMessageIsATruncatedFile() {
        // a string field claiming 9 bytes where 2 are left
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> {
            ProtobufReader r = reader(0x12, 0x09, 0x61, 0x62);
            r.tag();
            r.string();
        });
        assertTrue(e.getMessage().contains("m.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
        // a varint whose last byte is missing; an unknown wire type (7)
        assertThrows(ModelFormatException.class, () -> {
            ProtobufReader r = reader(0x08, 0x96);
            r.skip(r.tag());
        });
        ModelFormatException wire = assertThrows(ModelFormatException.class, () -> {
            ProtobufReader r = reader(0x0f, 0x00);
            r.skip(r.tag());
        });
        assertTrue(wire.getMessage().contains("wire type 7"), wire.getMessage());
    }
}
