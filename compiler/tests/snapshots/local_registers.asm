function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-20h]
  0010  cmp       rax,[r15+10h]
  0017  jb        000000000000054Fh
  001d  sub       rsp,20h
  0024  mov       qword ptr [rbp-8],0
  002f  sub       r13,1Ch
  0036  js        0000000000000085h
  003c  mov       ebx,[rbp+18h]
  0043  mov       esi,[rbp+10h]
  004a  imul      esi,ebx
  004e  mov       [rbp-8],rsi
  0055  mov       ebx,[rbp+10h]
  005c  mov       edi,10h
  0062  mov       [r14+rdi],ebx
  006a  mov       [rbp-10h],rsi
  0071  mov       r11,[rbp-10h]
  0078  mov       [rbp+10h],r11
  007f  mov       rsp,rbp
  0082  pop       rbp
  0083  ret
  0084  int3
  0085  mov       [r15+20h],r13
  008c  mov       rdi,r15
  008f  mov       rsi,rsp
  0092  mov       rdx,r11
  0095  call      000000000000009Ah
  009a  mov       r13,[r15+20h]
  00a1  test      eax,eax
  00a3  jne       00000000000004FAh
  00a9  mov       r14,[r15]
  00b0  mov       r10,[r15+8]
  00b7  jmp       000000000000003Ch
function 1 (defined 1):
  00c0  endbr64
  00c4  push      rbp
  00c5  mov       rbp,rsp
  00c8  lea       rax,[rsp-10h]
  00d0  cmp       rax,[r15+10h]
  00d7  jb        000000000000054Fh
  00dd  sub       rsp,10h
  00e4  mov       qword ptr [rbp-8],0
  00ef  mov       ebx,[rbp+18h]
  00f6  sub       r13,18h
  00fd  js        0000000000000145h
  0103  mov       rsi,rbx
  0106  imul      esi,3
  010d  mov       [rbp-8],rsi
  0114  mov       edi,[rbp+10h]
  011b  test      edi,edi
  011e  jne       000000000000012Eh
  0124  mov       ebx,5
  012a  sub       r13,3
  012e  mov       rdi,rsi
  0131  add       edi,ebx
  0134  sub       r13,6
  0138  mov       [rbp+10h],rdi
  013f  mov       rsp,rbp
  0142  pop       rbp
  0143  ret
  0144  int3
  0145  mov       [rbp+18h],rbx
  014c  mov       [r15+20h],r13
  0153  mov       rdi,r15
  0156  mov       rsi,rsp
  0159  mov       rdx,r11
  015c  call      0000000000000161h
  0161  mov       r13,[r15+20h]
  0168  test      eax,eax
  016a  jne       00000000000004FAh
  0170  mov       r14,[r15]
  0177  mov       r10,[r15+8]
  017e  mov       rbx,[rbp+18h]
  0185  jmp       0000000000000103h
function 2 (defined 2):
  0190  endbr64
  0194  push      rbp
  0195  mov       rbp,rsp
  0198  lea       rax,[rsp-20h]
  01a0  cmp       rax,[r15+10h]
  01a7  jb        000000000000054Fh
  01ad  sub       rsp,20h
  01b4  mov       qword ptr [rbp-8],0
  01bf  mov       qword ptr [rbp-10h],0
  01ca  mov       esi,[rbp+10h]
  01d1  mov       r12d,[rbp+18h]
  01d8  xor       edi,edi
  01db  xor       ebx,ebx
  01de  sub       r13,13h
  01e5  js        000000000000023Dh
  01eb  nop       [rax+rax]
  01f0  sub       r13,16h
  01f7  js        00000000000002ACh
  01fd  mov       r8,rsi
  0200  imul      r8d,ebx
  0204  lea       edi,[r8+r12]
  0209  lea       esi,[rdi+r12]
  020e  add       ebx,1
  0215  cmp       ebx,r12d
  0218  jb        00000000000001F0h
  021e  sub       r13,5
  0222  mov       [rbp-18h],rdi
  0229  mov       r11,[rbp-18h]
  0230  mov       [rbp+10h],r11
  0237  mov       rsp,rbp
  023a  pop       rbp
  023b  ret
  023c  int3
  023d  mov       [rbp+10h],rsi
  0244  mov       [rbp+18h],r12
  024b  mov       [rbp-8],rdi
  0252  mov       [rbp-10h],rbx
  0259  mov       [r15+20h],r13
  0260  mov       rdi,r15
  0263  mov       rsi,rsp
  0266  mov       rdx,r11
  0269  call      000000000000026Eh
  026e  mov       r13,[r15+20h]
  0275  test      eax,eax
  0277  jne       00000000000004FAh
  027d  mov       r14,[r15]
  0284  mov       r10,[r15+8]
  028b  mov       rsi,[rbp+10h]
  0292  mov       r12,[rbp+18h]
  0299  mov       rdi,[rbp-8]
  02a0  mov       rbx,[rbp-10h]
  02a7  jmp       00000000000001EBh
  02ac  mov       [rbp+10h],rsi
  02b3  mov       [rbp+18h],r12
  02ba  mov       [rbp-8],rdi
  02c1  mov       [rbp-10h],rbx
  02c8  mov       [r15+20h],r13
  02cf  mov       rdi,r15
  02d2  mov       rsi,rsp
  02d5  mov       rdx,r11
  02d8  call      00000000000002DDh
  02dd  mov       r13,[r15+20h]
  02e4  test      eax,eax
  02e6  jne       00000000000004FAh
  02ec  mov       r14,[r15]
  02f3  mov       r10,[r15+8]
  02fa  mov       rsi,[rbp+10h]
  0301  mov       r12,[rbp+18h]
  0308  mov       rdi,[rbp-8]
  030f  mov       rbx,[rbp-10h]
  0316  jmp       00000000000001FDh
