package org.fnl4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fnl4j.io.Model;
import org.fnl4j.models.ModelSpec;
import org.fnl4j.models.Models;
import org.fnl4j.onnx.OnnxModel.Attribute;
import org.fnl4j.onnx.OnnxModel.Node;
import org.fnl4j.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protobuf codec round-trips, and bad ONNX input fails with one {@link OnnxFormatException} that
 * names the file and says what was expected: truncated files, lengths past the end of a message,
 * tensors whose data disagrees with their dims, operators outside the supported set, and graphs
 * that are not one of fnl4j's architectures. (Randomly damaged files: {@code ModelFileFuzzTest}.)
 */
class OnnxFormatTest {
    @TempDir
    Path dir;

    /** A tiny MLP (1×4×4 → 3 → 2) exported by fnl4j: a few hundred bytes, mostly structure. */
    static byte[] tinyMlp() throws Exception {
        ModelSpec spec = ModelSpec.of("mlp", "inChannels", 1, "height", 4, "width", 4, "numClasses", 2, "hidden",
                List.of(3));
        Path file = Files.createTempFile("tiny", ".fnl");
        try {
            Model.save(file, Models.build(spec, new Rng(1)), spec, null, Map.of());
            return OnnxExport.toBytes(Model.load(file), ExportOptions.defaults());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static OnnxFormatException fails(byte[] bytes, String name) {
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImport.fromBytes(bytes, name));
        assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
        return e;
    }

    @Test
    void encodeAndDecodeRoundTrip() throws Exception {
        byte[] b = tinyMlp();
        OnnxModel m = OnnxCodec.decode(b, "tiny.onnx");
        assertEquals(OnnxExport.OPSET, m.opsetVersion());
        assertEquals(OnnxExport.IR_VERSION, m.irVersion());
        assertEquals("fnl4j", m.producerName());
        assertTrue(m.metadata().get(OnnxExport.META_ARCHITECTURE).contains("\"mlp\""), m.metadata().toString());
        assertEquals(List.of("Flatten", "Gemm", "Relu", "Gemm"), m.graph().nodes().stream().map(Node::opType).toList());
        assertTrue(Arrays.equals(b, OnnxCodec.encode(m)), "decode then encode gives the same bytes");
    }

    @Test
    void theUndamagedFuzzSeedsImport() throws Exception {
        assertEquals("mlp", OnnxImport.fromBytes(tinyMlp(), "tiny.onnx").spec().type());
        assertEquals("resnet20", OnnxImport.fromBytes(OnnxFormatTestAccess.narrowResNet(), "narrow.onnx").spec().type());
    }

    @Test
    void truncatedFilesFailNamingTheFile() throws Exception {
        byte[] good = tinyMlp();
        for (int len : new int[] {0, 1, 5, good.length / 2, good.length - 1}) {
            OnnxFormatException e = fails(Arrays.copyOf(good, len), "cut" + len + ".onnx");
            assertTrue(e.getMessage().contains("past the end") || e.getMessage().contains("no graph")
                    || e.getMessage().contains("no ir_version") || e.getMessage().contains("claims"), e.getMessage());
        }
    }

    @Test
    void aLengthPastTheEndIsRefused() throws Exception {
        byte[] good = tinyMlp();
        // The graph (field 7, wire type 2: tag byte 0x3A) follows the producer fields; forge its length.
        int at = indexOf(good, (byte) 0x3A);
        byte[] b = good.clone();
        b[at + 1] = (byte) 0xFF;
        b[at + 2] = (byte) 0xFF;
        b[at + 3] = (byte) 0x7F;
        OnnxFormatException e = fails(b, "forged.onnx");
        assertTrue(e.getMessage().contains("claims") && e.getMessage().contains("remain"), e.getMessage());
    }

    @Test
    void aTensorWhoseDataDisagreesWithItsDimsIsRefused() throws Exception {
        byte[] good = tinyMlp();
        OnnxModel.Tensor w = OnnxCodec.decode(good, "tiny.onnx").graph().initializers().get(0);
        // The first initializer's first dim doubled in the file; its raw_data keeps the original size.
        OnnxFormatException e = fails(replaceFirstDim(good, w, 2 * w.dims()[0]), "dims.onnx");
        assertTrue(e.getMessage().contains("tensor '" + w.name() + "'") && e.getMessage().contains("raw_data holds"),
                e.getMessage());
    }

    @Test
    void anUnsupportedOperatorIsRefusedNamingTheNodeTheOpAndTheSupportedList() throws Exception {
        OnnxModel m = OnnxCodec.decode(tinyMlp(), "tiny.onnx");
        List<Node> nodes = new ArrayList<>(m.graph().nodes());
        Node relu = nodes.get(2);
        nodes.set(2, new Node("hidden/Sigmoid", "Sigmoid", relu.inputs(), relu.outputs(), Map.of()));
        OnnxFormatException e = fails(OnnxCodec.encode(withNodes(m, nodes)), "sigmoid.onnx");
        assertTrue(e.getMessage().contains("Sigmoid node 'hidden/Sigmoid'"), e.getMessage());
        assertTrue(e.getMessage().contains(OnnxImport.SUPPORTED.toString()), e.getMessage());
    }

    @Test
    void aGraphThatIsNoFnl4jArchitectureIsRefused() throws Exception {
        OnnxModel m = OnnxCodec.decode(tinyMlp(), "tiny.onnx");
        List<Node> nodes = new ArrayList<>(m.graph().nodes());
        Node gemm = nodes.get(1);
        Map<String, Attribute> attrs = new LinkedHashMap<>(gemm.attributes());
        attrs.put("alpha", Attribute.of("alpha", 2f));
        nodes.set(1, new Node(gemm.name(), gemm.opType(), gemm.inputs(), gemm.outputs(), attrs));
        OnnxFormatException e = fails(OnnxCodec.encode(withNodes(m, nodes)), "alpha.onnx");
        assertTrue(e.getMessage().contains("alpha 1"), e.getMessage());
    }

    @Test
    void aMissingFileIsAnIoErrorNamingIt() {
        Path missing = dir.resolve("missing.onnx");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> OnnxImport.read(missing));
        assertTrue(String.valueOf(e.getMessage()).contains("missing.onnx"), String.valueOf(e.getMessage()));
    }

    static OnnxModel withNodes(OnnxModel m, List<Node> nodes) {
        OnnxModel.Graph g = m.graph();
        return new OnnxModel(m.irVersion(), m.opsetVersion(), m.producerName(), m.producerVersion(),
                new OnnxModel.Graph(g.name(), nodes, g.initializers(), g.inputs(), g.outputs()), m.metadata());
    }

    /** Rewrites the first dim (a one-byte varint after tag 0x08) of tensor {@code t} in the encoded file. */
    static byte[] replaceFirstDim(byte[] b, OnnxModel.Tensor t, long newFirstDim) {
        // A tensor message starts with its dims: 0x08 <varint dim0> 0x08 <varint dim1> ...; dim0 < 128 here.
        byte[] pattern = new byte[] {0x08, (byte) t.dims()[0], 0x08, (byte) t.dims()[1], 0x10};
        int at = indexOf(b, pattern);
        assertTrue(at >= 0 && newFirstDim < 128, "tensor header found");
        byte[] out = b.clone();
        out[at + 1] = (byte) newFirstDim;
        return out;
    }

    static int indexOf(byte[] b, byte... pattern) {
        outer:
        for (int i = 0; i + pattern.length <= b.length; i++) {
            for (int k = 0; k < pattern.length; k++) {
                if (b[i + k] != pattern[k]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
