package org.transfer4j.cuda.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrototypeTest {

    @Test
    void headerDeclarationWithDecorationsCommentsAndNamesParses() {
        Prototype p = Prototype.parse("""
                CUDNN_DEPRECATED cudnnStatus_t CUDNNWINAPI
                cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor_t convDesc,
                                                int pad_h,      /* zero-padding height */
                                                int u,          // vertical filter stride
                                                cudnnConvolutionMode_t mode,
                                                cudnnDataType_t computeType);""");
        assertEquals("cudnnSetConvolution2dDescriptor", p.name());
        assertEquals("cudnnStatus_t", p.returnType());
        assertEquals(List.of("cudnnConvolutionDescriptor_t", "int", "int", "cudnnConvolutionMode_t", "cudnnDataType_t"), p.parameters());
        assertEquals(FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), p.descriptor());
    }

    @Test
    void lp64TypesMapToTheirSysVClasses() {
        Prototype p = Prototype.parse("cublasStatus_t f(const float* alpha, long long int strideA, size_t bytes, "
                + "double coef, float dropout, unsigned long long seed, const int padA[], void **devPtr, cudaStream_t s, "
                + "const cudnnTensorDescriptor_t xDesc, unsigned flags, int64_t n)");
        assertEquals(List.of("const float *", "long long int", "size_t", "double", "float", "unsigned long long",
                "const int *", "void **", "cudaStream_t", "cudnnTensorDescriptor_t", "unsigned", "int64_t"), p.parameters());
        assertEquals(FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_DOUBLE, ValueLayout.JAVA_FLOAT, ValueLayout.JAVA_LONG,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), p.descriptor());
    }

    @Test
    void unnamedParametersVoidListsAndPointerReturnsParse() {
        Prototype version = Prototype.parse("size_t CUDNNWINAPI cudnnGetVersion(void);");
        assertEquals(List.of(), version.parameters());
        assertEquals(FunctionDescriptor.of(ValueLayout.JAVA_LONG), version.descriptor());
        Prototype unnamed = Prototype.parse("cublasStatus_t g(cublasHandle_t, long long, const float *, int)");
        assertEquals(List.of("cublasHandle_t", "long long", "const float *", "int"), unnamed.parameters());
        Prototype errorString = Prototype.parse("const char *CUDNNWINAPI cudnnGetErrorString(cudnnStatus_t status)");
        assertEquals("const char *", errorString.returnType());
        assertEquals(FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT), errorString.descriptor());
        assertEquals(FunctionDescriptor.ofVoid(ValueLayout.ADDRESS), Prototype.parse("void h(void *p)").descriptor());
    }

    @Test
    void unknownTypesAreRejectedWithTheirNameNotGuessed() {
        Prototype p = Prototype.parse("cudnnStatus_t f(cudnnRNNDescriptor_t rnn)");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::descriptor);
        assertTrue(e.getMessage().contains("cudnnRNNDescriptor_t") && e.getMessage().contains(" f"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Prototype.parse("int not a declaration"));
    }

    @Test
    void toStringIsTheNormalisedDeclaration() {
        assertEquals("cublasStatus_t cublasSetStream_v2(cublasHandle_t, cudaStream_t)",
                Prototype.parse("cublasStatus_t   cublasSetStream_v2( cublasHandle_t handle,cudaStream_t streamId );").toString());
    }
}
