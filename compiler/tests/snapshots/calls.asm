function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000318h
  001d  sub       rsp,10h
  0024  sub       qword ptr [r15+20h],16h
  002c  js        0000000000000051h
  0032  mov       rbx,[rbp+10h]
  0039  mov       rsi,[rbp+10h]
  0040  imul      rsi,rbx
  0044  mov       [rbp+10h],rsi
  004b  mov       rsp,rbp
  004e  pop       rbp
  004f  ret
  0050  int3
  0051  mov       rdi,r15
  0054  mov       rsi,rsp
  0057  mov       rdx,r11
  005a  call      000000000000005Fh
  005f  test      eax,eax
  0061  jne       00000000000002C3h
  0067  mov       r14,[r15]
  006e  jmp       0000000000000032h
function 1 (defined 1):
  0080  endbr64
  0084  push      rbp
  0085  mov       rbp,rsp
  0088  lea       rax,[rsp-10h]
  0090  cmp       rax,[r15+10h]
  0097  jb        0000000000000318h
  009d  sub       rsp,10h
  00a4  sub       qword ptr [r15+20h],12h
  00ac  js        000000000000016Fh
  00b2  mov       r11,[rbp+10h]
  00b9  mov       [rsp],r11
  00c1  call      0
  00c6  mov       r14,[r15]
  00cd  mov       rbx,[rsp]
  00d5  xor       esi,esi
  00d8  mov       r11,[rbp+10h]
  00df  mov       [rsp],r11
  00e7  mov       [rbp-8],rbx
  00ee  sub       qword ptr [r15+20h],3
  00f3  cmp       rsi,[r15+40h]
  00fa  mov       r11d,0
  0100  cmovae    rsi,r11
  0104  jae       00000000000002DCh
  010a  shl       rsi,5
  010e  mov       r11,[r15+38h]
  0115  add       r11,rsi
  0118  mov       r10,[r11]
  011b  test      r10,r10
  011e  je        00000000000002E6h
  0124  cmp       qword ptr [r11+8],7FFFFFFFh
  012c  jne       00000000000002F0h
  0132  cmp       [r11+10h],r15
  0136  jne       0000000000000191h
  013c  mov       r11,r10
  013f  call      0000000000000144h
  0144  mov       r14,[r15]
  014b  mov       rbx,[rsp]
  0153  mov       rsi,[rbp-8]
  015a  add       rsi,rbx
  015d  sub       qword ptr [r15+20h],4
  0162  mov       [rbp+10h],rsi
  0169  mov       rsp,rbp
  016c  pop       rbp
  016d  ret
  016e  int3
  016f  mov       rdi,r15
  0172  mov       rsi,rsp
  0175  mov       rdx,r11
  0178  call      000000000000017Dh
  017d  test      eax,eax
  017f  jne       00000000000002C3h
  0185  mov       r14,[r15]
  018c  jmp       00000000000000B2h
  0191  sub       qword ptr [r15+20h],64h
  0196  mov       rdi,r15
  0199  mov       rsi,rsp
  019c  mov       rdx,r11
  019f  call      00000000000001A4h
  01a4  test      eax,eax
  01a6  jne       00000000000002C3h
  01ac  mov       r14,[r15]
  01b3  jmp       0000000000000144h
