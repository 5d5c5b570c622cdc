package org.transfer4j.cuda.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transfer4j.cuda.PtxModules;
import org.transfer4j.cuda.PtxTarget;
import org.transfer4j.cuda.driver.KernelSignature.Param;
import org.transfer4j.cuda.driver.KernelSignature.ParamType;

class KernelArgsTest {

    private static final Map<String, KernelSignature> ELEMENTWISE =
            KernelSignature.parseAll(PtxModules.load("elementwise", PtxTarget.SM90));

    @Test
    void ptxSignaturesOfTheElementwiseKernelsAreRead() {
        // elementwise.cu: relu_f32(long long n, const float* x, float* y)
        assertEquals(List.of(new Param(ParamType.INT64, 8, ".u64"), new Param(ParamType.INT64, 8, ".u64"),
                new Param(ParamType.INT64, 8, ".u64")), ELEMENTWISE.get("relu_f32").params());
        // add_bcast_f32(long long n, const Broadcast6 s, const float* a, const float* b, float* y)
        KernelSignature bcast = ELEMENTWISE.get("add_bcast_f32");
        assertEquals(new Param(ParamType.BYTES, 144, ".align 8 .b8[144]"), bcast.params().get(1));
        assertEquals(5, bcast.params().size());
        // affine_f32(long long n, float a, float b, const float* x, float* y)
        assertEquals(ParamType.FLOAT32, ELEMENTWISE.get("affine_f32").params().get(1).type());
        assertEquals("fill_f32(.u64, .f32, .u64)", ELEMENTWISE.get("fill_f32").toString());
        // add_clamp_f32(long long n, float lo, float hi, const float* a, const float* b, float* y)
        assertEquals("add_clamp_f32(.u64, .f32, .f32, .u64, .u64, .u64)", ELEMENTWISE.get("add_clamp_f32").toString());
        assertEquals(38, ELEMENTWISE.size());   // the README's count of elementwise kernels
    }

    @Test
    void sm75PtxHasTheSameSignatures() {
        assertEquals(ELEMENTWISE, KernelSignature.parseAll(PtxModules.load("elementwise", PtxTarget.SM75)));
    }

    @Test
    void otherParameterDeclarationsAreRead() {
        Map<String, KernelSignature> k = KernelSignature.parseAll("""
                .visible .entry k(
                    .param .u32 k_param_0,
                    .param .s32 k_param_1,
                    .param .f64 k_param_2,
                    .param .u64 .ptr .global .align 4 k_param_3,
                    .param .u16 k_param_4
                )
                .visible .entry none()
                """);
        assertEquals(List.of(ParamType.INT32, ParamType.INT32, ParamType.FLOAT64, ParamType.INT64, ParamType.OTHER),
                k.get("k").params().stream().map(Param::type).toList());
        assertEquals(2, k.get("k").params().get(4).bytes());
        assertTrue(k.get("none").params().isEmpty());
    }

    @Test
    void argumentsArePackedAsLittleEndianValues() {
        KernelArgs args = KernelArgs.create().i64(1000).f32(1.5f).i32(-2).pointer(0x7f00_0000_1000L);
        List<KernelArgs.Arg> list = args.args();
        assertArrayEquals(new byte[] {(byte) 0xe8, 0x03, 0, 0, 0, 0, 0, 0}, list.get(0).bytes());   // 1000 = 0x3e8
        // 1.5f = 0x3fc00000 (sign 0, exponent 127, mantissa 0.5)
        assertArrayEquals(new byte[] {0, 0, (byte) 0xc0, 0x3f}, list.get(1).bytes());
        assertArrayEquals(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff}, list.get(2).bytes());
        assertArrayEquals(new byte[] {0, 0x10, 0, 0, 0, 0x7f, 0, 0}, list.get(3).bytes());
        assertEquals(KernelArgs.Kind.POINTER, list.get(3).kind());
        assertEquals(144, KernelArgs.create().struct(Broadcast6.of(new long[] {2}, new long[] {2})).args().get(0).bytes().length);
    }

    @Test
    void matchingArgumentsPassTheSignatureCheck() {
        Broadcast6 s = Broadcast6.of(new long[] {2, 3}, new long[] {3});
        assertDoesNotThrow(() -> KernelArgs.create().i64(6).struct(s).pointer(16).pointer(32).pointer(48)
                .checkAgainst("elementwise/add_bcast_f32", ELEMENTWISE.get("add_bcast_f32")));
        assertDoesNotThrow(() -> KernelArgs.create().i64(6).f32(2f).f32(1f).pointer(16).pointer(32)
                .checkAgainst("elementwise/affine_f32", ELEMENTWISE.get("affine_f32")));
    }

    @Test
    void aMissingArgumentIsReportedWithTheKernelsParameters() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelArgs.create()
                .i64(6).pointer(16).checkAgainst("elementwise/relu_f32", ELEMENTWISE.get("relu_f32")));
        assertEquals("kernel elementwise/relu_f32 takes 3 parameters relu_f32(.u64, .u64, .u64), got 2 arguments"
                + " [long(8 bytes), pointer(8 bytes)]", e.getMessage());
    }

    @Test
    void aMistypedArgumentIsReportedByPosition() {
        // n passed as int (4 bytes) where the kernel reads a long long: the kernel would read garbage
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> KernelArgs.create()
                .i32(6).pointer(16).pointer(32).checkAgainst("elementwise/relu_f32", ELEMENTWISE.get("relu_f32")));
        assertTrue(n.getMessage().startsWith("argument 0 of kernel elementwise/relu_f32 is a int(4 bytes), but"
                + " parameter 0 is declared .u64 (8 bytes)"), n.getMessage());
        // a float where the struct goes, and a struct of the wrong size
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> KernelArgs.create()
                .i64(6).f32(1f).pointer(16).pointer(32).pointer(48)
                .checkAgainst("elementwise/add_bcast_f32", ELEMENTWISE.get("add_bcast_f32")));
        assertTrue(f.getMessage().contains("argument 1") && f.getMessage().contains(".align 8 .b8[144]"), f.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelArgs.create().i64(6).struct(new byte[136])
                .pointer(16).pointer(32).pointer(48)
                .checkAgainst("elementwise/add_bcast_f32", ELEMENTWISE.get("add_bcast_f32")));
    }

    @Test
    void theParameterArrayHasOnePointerPerArgumentWithoutTouchingTheDriver() {
        // jcuda.Pointer is plain Java: building the array needs no native library
        assertNotNull(KernelLauncher.parameterArray(KernelArgs.create().i64(1).pointer(8)));
    }

    @Test
    void unknownKernelNamesNameTheFamilyAndListItsKernels() {
        IllegalArgumentException e = ModuleCache.unknownKernel("elementwise", "gelu_f32", ELEMENTWISE.keySet());
        assertTrue(e.getMessage().startsWith("kernel family elementwise has no kernel \"gelu_f32\"; its kernels are"
                + " relu_f32, relu6_f32,"), e.getMessage());
    }

    @Test
    void devicePointersKeepTheirRawAddress() {
        DevicePointer p = DevicePointer.at(0x7f12_3456_7800L);
        assertEquals(0x7f12_3456_7800L, p.address());
        assertEquals(0x7f12_3456_7804L, p.plus(4).address());
        assertEquals(0, new DevicePointer().address());
        assertThrows(IllegalArgumentException.class, () -> DevicePointer.at(0));
    }
}
